package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/loa-vn/loa/broadcast"
)

// OpenAPI builds the OpenAPI 3 document from the route table.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = operation(rt)
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Loa staff API", "version": "1",
			"description": "Staff and agency API. Authorization: Bearer <token> (the scheme in any case, RFC 7235). " +
				"Errors: {\"error\": {\"code\", \"message\", \"fields\": [{\"path\", \"message\"}]}}; every refusal of a field names it by its JSON path and says its limit or format. " +
				"A bad query parameter is a 400, a bad body field a 422. An unexpected failure is a 500 with code internal and an error id in the message, which finds the detail in the server log. " +
				"Every answer has Cache-Control: no-store and X-Content-Type-Options: nosniff. " +
				"JSON bodies: one object of at most 1 MiB, no unknown fields, valid UTF-8; a NUL character in any string is a 422 naming the field."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Error": schemaOf(reflect.TypeOf(errorBody{}))},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func operation(rt route) map[string]any {
	op := map[string]any{
		"summary":     strings.ToUpper(rt.Summary[:1]) + rt.Summary[1:],
		"operationId": operationID(rt),
	}
	switch {
	case rt.Action != "":
		op["description"] = "Roles: " + strings.Join(broadcast.Roles(rt.Action), ", ") +
			" (checked by the broadcast workflow; an agency manager only for their agency and those below it)." +
			" Refusals say what is needed, with codes such as wrong_state, two_person_rule, not_yearly, too_late."
	case len(rt.Roles) > 0:
		op["description"] = "Roles: " + strings.Join(rt.Roles, ", ")
	}
	if rt.Doc != "" {
		d, _ := op["description"].(string)
		op["description"] = strings.TrimSpace(d + " " + rt.Doc)
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range rt.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
	}
	for _, h := range rt.Headers {
		params = append(params, map[string]any{"name": h, "in": "header", "schema": map[string]any{"type": "string"}})
	}
	if params != nil {
		op["parameters"] = params
	}
	switch {
	case rt.BodyCT != "":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{rt.BodyCT: map[string]any{"schema": map[string]any{"type": "string"}}}}
	case rt.Body != nil:
		schema := schemaOf(reflect.TypeOf(rt.Body))
		// the same tags the decoder checks (requiredFields)
		if req := requiredFields(reflect.TypeOf(rt.Body), rt.Method); len(req) > 0 {
			schema["required"] = req
		}
		media := map[string]any{"schema": schema}
		if rt.Example != nil {
			media["example"] = rt.Example
		}
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": media}}
	}
	op["responses"] = responses(rt)
	return op
}

func responses(rt route) map[string]any {
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": "success"}
	switch {
	case rt.RespCT != "":
		ok["content"] = map[string]any{rt.RespCT: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	case rt.Resp != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Resp))}}
	}
	errRef := map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	out := map[string]any{itoa(status): ok}
	for code, desc := range map[int]string{400: "malformed request", 401: "missing or invalid token", 403: "role not allowed",
		404: "not found", 409: "conflict", 413: "body too large", 415: "wrong Content-Type", 422: "invalid fields",
		429: "too many requests (test sends)", 500: "internal error: the message holds an error id to find in the server log"} {
		e := map[string]any{"description": desc}
		for k, v := range errRef {
			e[k] = v
		}
		out[itoa(code)] = e
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func operationID(rt route) string {
	p := strings.TrimPrefix(rt.Path, "/api/v1/")
	p = pathParam.ReplaceAllString(p, "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

var timeType = reflect.TypeOf(time.Time{})
var rawType = reflect.TypeOf(json.RawMessage{})
var timestampType = reflect.TypeOf(timestamp{})

// schemaOf describes a Go type as an OpenAPI schema, following json tags.
func schemaOf(t reflect.Type) map[string]any {
	switch {
	case t == timeType, t == timestampType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := schemaOf(t.Elem())
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		addFields(t, props)
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

func addFields(t reflect.Type, props map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			addFields(f.Type, props)
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type)
	}
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.OpenAPI())
}
