-- Issue 9: `loa seed` must not undo what staff changed. An agency staff
-- edited through the API is theirs from then on: the seed inserts missing
-- agencies and updates only the ones nobody edited.

-- +goose Up
ALTER TABLE agencies ADD COLUMN staff_edited_at timestamptz;

-- +goose Down
ALTER TABLE agencies DROP COLUMN staff_edited_at;
