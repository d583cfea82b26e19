package accounts

import (
	"strings"
	"testing"
	"time"

	"sitrep"
)

func TestTOTPRFC6238Vectors(t *testing.T) {
	// RFC 6238 appendix B, SHA-1; the 6-digit code is the last 6 of the 8.
	secret := []byte("12345678901234567890")
	cases := []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	}
	for _, c := range cases {
		t.Run(time.Unix(c.unix, 0).UTC().Format(time.RFC3339), func(t *testing.T) {
			if got := totpCode(secret, totpStep(time.Unix(c.unix, 0))); got != c.want {
				t.Errorf("code = %s, want %s", got, c.want)
			}
		})
	}
}

func TestTOTPWindow(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1_700_000_000, 0)
	cur := totpStep(now)
	cases := []struct {
		name  string
		step  int64
		match bool
	}{
		{"two steps early", cur - 2, false}, {"one step early", cur - 1, true}, {"now", cur, true},
		{"one step late", cur + 1, true}, {"two steps late", cur + 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := matchTOTP(secret, totpCode(secret, c.step), now)
			if (got == c.step) != c.match || (!c.match && got != 0) {
				t.Errorf("matchTOTP = %d, want match %v of step %d", got, c.match, c.step)
			}
		})
	}
	if matchTOTP(secret, "12345", now) != 0 || matchTOTP(secret, "abcdef", now) != 0 {
		t.Error("malformed code matched")
	}
}

func TestPasswordPolicy(t *testing.T) {
	common := loadCommonPasswords()
	if len(common) != 100 {
		t.Errorf("common password list has %d entries, want 100", len(common))
	}
	cases := []struct {
		name, pw string
		msg      string // "" = accepted
	}{
		{"too short", "short", "at least 12 characters"},
		{"eleven runes", "ünïcödé-123", "at least 12 characters"},
		{"common", "password1234", "most commonly used"},
		{"common any case", "QwertyUIOP123", "most commonly used"},
		{"too long", strings.Repeat("x", maxPasswordLen+1), "at most"},
		{"fine", "correct horse battery", ""},
		{"fine unicode", "日本語のパスワードです長い", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := common.check(c.pw)
			if c.msg == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if sitrep.ErrorCode(err) != sitrep.EINVALID || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "password: ") {
				t.Errorf("err = %v, want an invalid password error containing %q", err, c.msg)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	cheap := Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	other := Argon2Params{MemoryKiB: 128, Time: 1, Threads: 1}
	h := hashPassword("correct horse battery", cheap)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if h2 := hashPassword("correct horse battery", cheap); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	cases := []struct {
		name       string
		pw, hash   string
		want       Argon2Params
		ok, rehash bool
	}{
		{"right", "correct horse battery", h, cheap, true, false},
		{"wrong", "correct horse battery!", h, cheap, false, false},
		{"params changed", "correct horse battery", h, other, true, true},
		{"garbage", "x", "$argon2id$v=19$m=64,t=1,p=1$$", cheap, false, false},
		{"hostile params", "x", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", cheap, false, false},
		{"bcrypt", "x", "$2a$10$abcdefghijklmnopqrstuu", cheap, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, rehash := verifyPassword(c.pw, c.hash, c.want)
			if ok != c.ok || rehash != c.rehash {
				t.Errorf("verify = %v, %v; want %v, %v", ok, rehash, c.ok, c.rehash)
			}
		})
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(5)
	t0 := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		if w := l.begin(t0, "k"); w != 0 {
			t.Fatalf("attempt %d slowed by %s; the first five are free", i+1, w)
		}
	}
	now := t0
	want := []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i, d := range want {
		if w := l.begin(now, "k"); w != d {
			t.Fatalf("step %d: wait %s, want %s", i, w, d)
		}
		if w := l.begin(now.Add(d-time.Second), "k"); w != time.Second {
			t.Fatalf("step %d: a second early: wait %s, want 1s", i, w)
		}
		now = now.Add(d)
		if w := l.begin(now, "k"); w != 0 {
			t.Fatalf("step %d: on time: wait %s", i, w)
		}
	}
	if w := l.begin(now, "other", "k"); w == 0 {
		t.Error("a slowed key in a set of keys did not slow the attempt")
	}
	if w := l.begin(now.Add(time.Hour), "k"); w != 0 {
		t.Errorf("after an hour of quiet: wait %s, want forgotten", w)
	}
	l.succeed("k")
	if _, ok := l.entries["k"]; ok {
		t.Error("success did not forgive")
	}
}

func TestSeal(t *testing.T) {
	key := make([]byte, 32)
	s, err := newSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.seal([]byte("seed"), "user1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.open(sealed, "user1"); err != nil || string(got) != "seed" {
		t.Errorf("open = %q, %v", got, err)
	}
	if _, err := s.open(sealed, "user2"); err == nil {
		t.Error("a secret sealed for user1 opened for user2")
	}
	other, _ := newSealer(append(make([]byte, 31), 1))
	if _, err := other.open(sealed, "user1"); err == nil {
		t.Error("opened with another key")
	}
	if _, err := newSealer(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted for AES-256")
	}
	var none *sealer
	if _, err := none.seal([]byte("x"), "u"); sitrep.ErrorCode(err) != sitrep.EUNAVAILABLE {
		t.Errorf("seal without key: %v", err)
	}
}
