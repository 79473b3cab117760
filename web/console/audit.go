package console

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/loa-vn/loa/store"
)

const auditPageSize = 50

var actionRe = regexp.MustCompile(`^[a-z_]+(\.[a-z_]*)*$`)

type auditData struct {
	Rows   []auditRow
	NextID int64
	First  bool
	Query  string // the filter as a query string, for the pager
	Who    string
}

type auditRow struct {
	store.AuditEntry
	Staff string // name of the staff member, if any
}

// auditPage is the audit log for admins, newest first, keyset-paged by id,
// filtered by who (sign-in name or staff number), what (an action or its
// prefix, "broadcast."), when (from and to dates, in the console's zone)
// and which broadcast.
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := c.newPage(r, "audit_title")
	f := newForm()
	p.Form = f
	for _, k := range []string{"who", "action", "from", "to", "broadcast"} {
		f.Values[k] = strings.TrimSpace(q.Get(k))
	}
	filter := store.AuditFilter{Limit: auditPageSize + 1}
	if v := f.Values["who"]; v != "" {
		id, err := c.staffRef(ctx, v)
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.fail("who", "audit_who_unknown")
		case err != nil:
			c.fail(w, r, err)
			return
		default:
			filter.StaffID = id
		}
	}
	if v := f.Values["action"]; v != "" {
		if !actionRe.MatchString(v) || len(v) > 100 {
			f.fail("action", "audit_action_bad")
		} else {
			filter.Action = v
			if !strings.Contains(v, ".") {
				filter.Action = v + "." // "broadcast" means every broadcast action
			}
		}
	}
	day := func(field string) time.Time {
		v := f.Values[field]
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, c.d.Timezone)
		if err != nil {
			if t, err = time.ParseInLocation("02/01/2006", v, c.d.Timezone); err != nil {
				f.fail(field, "audit_date_bad")
				return time.Time{}
			}
		}
		return t
	}
	filter.From = day("from")
	if to := day("to"); !to.IsZero() {
		filter.To = to.AddDate(0, 0, 1) // the whole day
	}
	if v := f.Values["broadcast"]; v != "" {
		if n, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64); err != nil || n <= 0 {
			f.fail("broadcast", "audit_broadcast_bad")
		} else {
			filter.ObjectType, filter.ObjectID = "broadcast", strconv.FormatInt(n, 10)
		}
	}
	d := auditData{First: q.Get("before") == ""}
	if v, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && v > 0 {
		filter.BeforeID = v
	}
	if !f.ok() {
		p.Data = d
		c.renderStatus(w, r, http.StatusUnprocessableEntity, "audit", p)
		return
	}
	rows, err := c.d.Store.ListAudit(ctx, filter)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if len(rows) > auditPageSize {
		rows = rows[:auditPageSize]
		d.NextID = rows[len(rows)-1].ID
	}
	names := map[int64]string{}
	for _, e := range rows {
		if e.StaffID != nil {
			if _, ok := names[*e.StaffID]; !ok {
				if st, err := c.d.Store.StaffByID(ctx, *e.StaffID); err == nil {
					names[*e.StaffID] = st.Name
				}
			}
		}
		row := auditRow{AuditEntry: e}
		if e.StaffID != nil {
			row.Staff = names[*e.StaffID]
		}
		d.Rows = append(d.Rows, row)
	}
	qs := q
	qs.Del("before")
	d.Query = qs.Encode()
	p.Data = d
	c.render(w, r, "audit", p)
}

// staffRef reads "who": a sign-in name, or a staff number (#12 or 12).
func (c *Console) staffRef(ctx context.Context, v string) (int64, error) {
	if n, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64); err == nil && n > 0 {
		st, err := c.d.Store.StaffByID(ctx, n)
		return st.ID, err
	}
	login, err := store.NormalizeLogin(v)
	if err != nil {
		return 0, store.ErrNotFound
	}
	st, _, err := c.d.Store.ConsoleAccountByLogin(ctx, login)
	return st.ID, err
}

// Queues ---------------------------------------------------------------------------

// QueueInspector reads the job queues: *asynq.Inspector implements it.
type QueueInspector interface {
	Queues() ([]string, error)
	GetQueueInfo(queue string) (*asynq.QueueInfo, error)
}

type queuesData struct {
	Queues []*asynq.QueueInfo
	Down   bool
}

// queuesPage shows each queue's sizes for admins. asynqmon was not mounted:
// its page loads its fonts from fonts.googleapis.com, which the console's
// no-CDN rule and its Content-Security-Policy refuse, and it is English only;
// these are the numbers an admin needs from it, read from asynq.Inspector.
func (c *Console) queuesPage(w http.ResponseWriter, r *http.Request) {
	d := queuesData{}
	if c.d.Queues == nil {
		d.Down = true
	} else if names, err := c.d.Queues.Queues(); err != nil {
		c.d.Log.Error("console: queues", "err", err)
		d.Down = true
	} else {
		for _, n := range names {
			qi, err := c.d.Queues.GetQueueInfo(n)
			if err != nil {
				c.d.Log.Error("console: queue info", "queue", n, "err", err)
				d.Down = true
				continue
			}
			d.Queues = append(d.Queues, qi)
		}
	}
	p := c.newPage(r, "queues_title")
	p.Data = d
	c.render(w, r, "queues", p)
}
