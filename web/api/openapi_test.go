package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes: every documented operation is served (it
// answers 401 without a token, not 404/405), and every served route is
// documented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	r := e.must(e.call("", "GET", "/api/openapi.json", nil), 200)
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			if op["responses"] == nil || op["operationId"] == nil {
				t.Errorf("%s: no responses or operationId", key)
			}
			concrete := param.ReplaceAllString(path, "1")
			if got := e.call("", strings.ToUpper(method), concrete, nil); got.Status != http.StatusUnauthorized {
				t.Errorf("%s %s: status %d, want 401 (route not served?)", method, concrete, got.Status)
			}
		}
	}
	routes := e.api.Routes()
	for _, rt := range routes {
		if !documented[rt.Method+" "+rt.Path] {
			t.Errorf("route %s %s is not documented", rt.Method, rt.Path)
		}
	}
	if len(documented) != len(routes) {
		t.Errorf("%d documented operations, %d routes", len(documented), len(routes))
	}
	if got := e.call("admin", "GET", "/api/v1/no-such-thing", nil); got.Status != 404 || got.apiErr(t).Code != "not_found" {
		t.Errorf("unknown path: %d %s", got.Status, got.Body)
	}
}
