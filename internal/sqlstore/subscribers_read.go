package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"sitrep"
)

const (
	subscriberCols = `id, page, kind, address, components_json, whole_page, confirmed, created_ms, confirmed_ms,
		secret, confirm_hash, confirm_requested_ms, confirm_expires_ms, manage_hash`
	subscriberColCount = 14
)

func subscriberArgs(sub *sitrep.Subscriber) []any {
	comps, _ := json.Marshal(sub.Components) // []string always marshals
	if sub.Components == nil {
		comps = []byte("[]")
	}
	var confirmHash any // NULL keeps the unique index free for other rows
	if len(sub.ConfirmHash) > 0 {
		confirmHash = sub.ConfirmHash
	}
	return []any{sub.ID, sub.Page, string(sub.Kind), sub.Address, string(comps), len(sub.Components) == 0, sub.Confirmed,
		toMS(sub.CreatedAt), toMS(sub.ConfirmedAt), sub.Secret, confirmHash, toMS(sub.ConfirmRequestedAt),
		toMS(sub.ConfirmExpires), sub.ManageHash}
}

func scanSubscriber(sc interface{ Scan(...any) error }) (*sitrep.Subscriber, error) {
	var (
		sub                                   sitrep.Subscriber
		kind, comps                           string
		wholePage                             bool
		created, confirmed, requested, expire int64
	)
	if err := sc.Scan(&sub.ID, &sub.Page, &kind, &sub.Address, &comps, &wholePage, &sub.Confirmed, &created, &confirmed,
		&sub.Secret, &sub.ConfirmHash, &requested, &expire, &sub.ManageHash); err != nil {
		return nil, err
	}
	sub.Kind = sitrep.SubscriberKind(kind)
	if err := json.Unmarshal([]byte(comps), &sub.Components); err != nil {
		return nil, fmt.Errorf("subscriber %s components: %w", sub.ID, err)
	}
	if len(sub.Components) == 0 {
		sub.Components = nil
	}
	if len(sub.ConfirmHash) == 0 {
		sub.ConfirmHash = nil
	}
	sub.CreatedAt, sub.ConfirmedAt = fromMS(created), fromMS(confirmed)
	sub.ConfirmRequestedAt, sub.ConfirmExpires = fromMS(requested), fromMS(expire)
	return &sub, nil
}

// readSubscriber reads the one subscriber tail selects (ENOTFOUND if none).
func (s *Store) readSubscriber(ctx context.Context, q querier, tail string, args ...any) (*sitrep.Subscriber, error) {
	sub, err := scanSubscriber(q.QueryRowContext(ctx, s.q(`SELECT `+subscriberCols+` FROM subscribers `+tail), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, subscriberNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read subscriber: %w", err)
	}
	return sub, nil
}

func (s *Store) readSubscribers(ctx context.Context, tail string, args ...any) ([]*sitrep.Subscriber, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+subscriberCols+` FROM subscribers `+tail), args...)
	if err != nil {
		return nil, fmt.Errorf("read subscribers: %w", err)
	}
	defer rows.Close()
	var out []*sitrep.Subscriber
	for rows.Next() {
		sub, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("read subscribers: %w", err)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read subscribers: %w", err)
	}
	return out, nil
}

// Subscriber returns one subscriber.
func (s *Store) Subscriber(ctx context.Context, id string) (*sitrep.Subscriber, error) {
	return s.readSubscriber(ctx, s.r, `WHERE id = ?`, id)
}

// SubscriberByAddress finds a subscriber by its unique key.
func (s *Store) SubscriberByAddress(ctx context.Context, page string, kind sitrep.SubscriberKind, address string) (*sitrep.Subscriber, error) {
	return s.readSubscriber(ctx, s.r, `WHERE page = ? AND kind = ? AND address = ?`, page, string(kind), address)
}

// SubscriberByManageToken finds a subscriber by the hash of its link token.
func (s *Store) SubscriberByManageToken(ctx context.Context, tokenHash []byte) (*sitrep.Subscriber, error) {
	if len(tokenHash) == 0 {
		return nil, subscriberNotFound()
	}
	return s.readSubscriber(ctx, s.r, `WHERE manage_hash = ?`, tokenHash)
}

// maxSubscriberBatch caps one batch, so that expanding an event to a very
// large audience holds a bounded number of rows at a time.
const maxSubscriberBatch = 2000

// SubscribersFor returns one id-ordered batch of confirmed subscribers who
// chose the whole page or one of q.Components. Keyset paging on the
// (page, confirmed, id) index keeps every batch as cheap as the first.
func (s *Store) SubscribersFor(ctx context.Context, q sitrep.SubscriberQuery) ([]*sitrep.Subscriber, error) {
	limit := q.Limit
	if limit <= 0 || limit > maxSubscriberBatch {
		limit = maxSubscriberBatch
	}
	cond := `whole_page = ?`
	args := []any{q.Page, true, q.After, true}
	if len(q.Components) > 0 {
		cond = `(whole_page = ? OR id IN (SELECT subscriber_id FROM subscriber_components WHERE component_id IN (` +
			placeholders(len(q.Components)) + `)))`
		args = append(args, anys(q.Components)...)
	}
	args = append(args, limit)
	// Only what a delivery needs is read: expansion reads every subscriber
	// of a page, and the full rows (hashes, JSON) would triple the cost.
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT id, kind, address FROM subscribers
		WHERE page = ? AND confirmed = ? AND id > ? AND `+cond+` ORDER BY id LIMIT ?`), args...)
	if err != nil {
		return nil, fmt.Errorf("subscribers of page %q: %w", q.Page, err)
	}
	defer rows.Close()
	out := make([]*sitrep.Subscriber, 0, limit)
	subs := make([]sitrep.Subscriber, limit) // one allocation for the batch
	for i := 0; rows.Next(); i++ {
		sub := &subs[i]
		var kind string
		if err := rows.Scan(&sub.ID, &kind, &sub.Address); err != nil {
			return nil, fmt.Errorf("subscribers of page %q: %w", q.Page, err)
		}
		sub.Page, sub.Kind, sub.Confirmed = q.Page, sitrep.SubscriberKind(kind), true
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscribers of page %q: %w", q.Page, err)
	}
	return out, nil
}

// FindSubscribers searches subscribers, newest first.
func (s *Store) FindSubscribers(ctx context.Context, f sitrep.SubscriberFilter) ([]*sitrep.Subscriber, int, error) {
	var where []string
	var args []any
	if f.Page != "" {
		where = append(where, `page = ?`)
		args = append(args, f.Page)
	}
	if f.Kind != "" {
		where = append(where, `kind = ?`)
		args = append(args, string(f.Kind))
	}
	if f.Search != "" {
		where = append(where, `LOWER(address) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(strings.ToLower(f.Search))+"%")
	}
	if f.Confirmed != nil {
		where = append(where, `confirmed = ?`)
		args = append(args, *f.Confirmed)
	}
	cond := ""
	if len(where) > 0 {
		cond = `WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM subscribers `+cond), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count subscribers: %w", err)
	}
	limit, offset := pageOf(f.Limit, f.Offset)
	out, err := s.readSubscribers(ctx, cond+` ORDER BY created_ms DESC, id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
