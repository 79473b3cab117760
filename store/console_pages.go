package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// The console's member import keeps the uploaded file between the dry run
// and the import, and the import's result, in PostgreSQL: the confirm and
// the result page may reach another web process than the upload did.

// Upload is a member file a manager uploaded to the console.
type Upload struct {
	ID         int64           `db:"id"`
	StaffID    int64           `db:"staff_id"`
	AgencyID   int64           `db:"agency_id"`
	Filename   string          `db:"filename"`
	Data       []byte          `db:"data"`
	CreatedAt  time.Time       `db:"created_at"`
	StartedAt  *time.Time      `db:"started_at"`
	FinishedAt *time.Time      `db:"finished_at"`
	Result     json.RawMessage `db:"result"`
}

// UploadTTL is how long an uploaded file waits for its import.
const UploadTTL = 24 * time.Hour

// SaveUpload keeps a file for staffID's import into agencyID, and drops
// files older than UploadTTL.
func (s *Store) SaveUpload(ctx context.Context, staffID, agencyID int64, filename string, data []byte) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM console_uploads WHERE created_at < now() - $1::interval`,
			fmt.Sprintf("%d seconds", int(UploadTTL.Seconds()))); err != nil {
			return fmt.Errorf("old uploads: %w", translate(err))
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO console_uploads (staff_id, agency_id, filename, data)
			VALUES ($1, $2, left($3, 200), $4) RETURNING id`, staffID, agencyID, filename, data); err != nil {
			return fmt.Errorf("save upload: %w", translate(err))
		}
		return nil
	})
	return id, err
}

// UploadByID returns staffID's upload (another staff member's is ErrNotFound).
func (s *Store) UploadByID(ctx context.Context, staffID, id int64) (Upload, error) {
	var u Upload
	err := s.db.GetContext(ctx, &u, `SELECT id, staff_id, agency_id, filename, data, created_at, started_at, finished_at,
		coalesce(result, 'null') AS result FROM console_uploads WHERE id = $1 AND staff_id = $2`, id, staffID)
	if err != nil {
		return u, fmt.Errorf("upload %d: %w", id, translate(err))
	}
	return u, nil
}

// StartUpload marks an upload as being imported; a second start (a double
// click, a second tab) is ErrConflict, so a file is imported once.
func (s *Store) StartUpload(ctx context.Context, staffID, id int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE console_uploads SET started_at = now()
		WHERE id = $1 AND staff_id = $2 AND started_at IS NULL`, id, staffID)
	if err != nil {
		return fmt.Errorf("start upload %d: %w", id, translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("upload %d already started: %w", id, ErrConflict)
	}
	return nil
}

// FinishUpload records an import's result (or its error) and drops the file.
func (s *Store) FinishUpload(ctx context.Context, id int64, res ImportResult, importErr error) error {
	var v any = res
	if importErr != nil {
		v = map[string]string{"error": importErr.Error()}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE console_uploads SET finished_at = now(), result = $2, data = ''::bytea
		WHERE id = $1`, id, b); err != nil {
		return fmt.Errorf("finish upload %d: %w", id, translate(err))
	}
	return nil
}

// Saved forms ---------------------------------------------------------------------

// SavedFormTTL is how long a form saved at an expired session waits.
const SavedFormTTL = time.Hour

// SaveForm keeps the values of a form posted after its session expired,
// under a one-time token only the poster's browser gets; the token's
// SHA-256 is stored.
func (s *Store) SaveForm(ctx context.Context, token, path string, values map[string][]string) error {
	b, err := json.Marshal(values)
	if err != nil {
		return err
	}
	h := sha256.Sum256([]byte(token))
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM console_saved_forms WHERE expires_at < now()`); err != nil {
			return fmt.Errorf("old forms: %w", translate(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO console_saved_forms (token_hash, path, form, expires_at)
			VALUES ($1, $2, $3, now() + $4::interval)`, h[:], path, b, fmt.Sprintf("%d seconds", int(SavedFormTTL.Seconds()))); err != nil {
			return fmt.Errorf("save form: %w", translate(err))
		}
		return nil
	})
}

// TakeForm returns a saved form's values once, for the page at path;
// unknown, used, expired or another page's is ErrNotFound.
func (s *Store) TakeForm(ctx context.Context, token, path string) (map[string][]string, error) {
	h := sha256.Sum256([]byte(token))
	var raw []byte
	err := s.db.GetContext(ctx, &raw, `DELETE FROM console_saved_forms
		WHERE token_hash = $1 AND path = $2 AND expires_at > now() RETURNING form`, h[:], path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("saved form: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("saved form: %w", translate(err))
	}
	var v map[string][]string
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("saved form: %w", err)
	}
	return v, nil
}

// FirstConsoleAdmin is the enabled admin with a console account who was
// added first (ErrNotFound when there is none): `loa staff first-admin`
// makes one only then.
func (s *Store) FirstConsoleAdmin(ctx context.Context) (Staff, Credential, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT s.id FROM staff s JOIN console_credentials c ON c.staff_id = s.id
		WHERE s.role = $1 AND s.disabled_at IS NULL ORDER BY c.password_hash IS NULL, s.id LIMIT 1`, RoleAdmin)
	if err != nil {
		return Staff{}, Credential{}, fmt.Errorf("first admin: %w", translate(err))
	}
	return s.ConsoleAccount(ctx, id)
}

// Codes sent by chat -----------------------------------------------------------------

// ChatCodeTTL is how long a sign-in code sent to a staff member's chat works.
const ChatCodeTTL = 5 * time.Minute

func chatCodeHash(staffID int64, code string) []byte {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d:%s", staffID, code)))
	return h[:]
}

// SetChatCode stores a new sign-in code for staffID (the previous one stops working).
func (s *Store) SetChatCode(ctx context.Context, staffID int64, code string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO console_chat_codes (staff_id, code_hash, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (staff_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at`,
		staffID, chatCodeHash(staffID, code), now.Add(ChatCodeTTL))
	if err != nil {
		return fmt.Errorf("chat code: %w", translate(err))
	}
	return nil
}

// UseChatCode spends staffID's code if it is code and has not expired.
func (s *Store) UseChatCode(ctx context.Context, staffID int64, code string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM console_chat_codes WHERE staff_id = $1 AND code_hash = $2 AND expires_at > $3`,
		staffID, chatCodeHash(staffID, code), now)
	if err != nil {
		return false, fmt.Errorf("use chat code: %w", translate(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
