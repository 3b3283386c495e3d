package disqo

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/disqo-commerce/sdk-go/generated/auth"
)

// fakeAPI answers each "METHOD /path" with the next scripted reply (the last one repeats)
// and records the requests it received.
type fakeAPI struct {
	mu       sync.Mutex
	replies  map[string][]reply
	requests []*http.Request
	bodies   []string
}

type reply struct {
	status int
	header map[string]string
	body   any
	delay  time.Duration
}

func newFake(t *testing.T) (*fakeAPI, *httptest.Server) {
	f := &fakeAPI{replies: map[string][]reply{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r)
		key := r.Method + " " + r.URL.Path
		queue := f.replies[key]
		rep := reply{status: 404, body: problem(404, "not_found")}
		if len(queue) > 0 {
			rep = queue[0]
			if len(queue) > 1 {
				f.replies[key] = queue[1:]
			}
		}
		f.mu.Unlock()
		time.Sleep(rep.delay)
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(rep.status)
		_ = json.NewEncoder(w).Encode(rep.body)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeAPI) on(method, path string, replies ...reply) { f.replies[method+" "+path] = replies }

func (f *fakeAPI) calls(method, path string) []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*http.Request
	for _, r := range f.requests {
		if r.Method == method && r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func problem(status int, code string) map[string]any {
	return map[string]any{"type": "/problems/" + code, "title": code, "status": status, "code": code}
}

var (
	fast        = &RetryPolicy{InitialDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxRetryAfter: time.Second}
	user        = map[string]any{"id": 1, "email": "sam@example.com", "first_name": "Sam", "last_name": "Shopper", "role": "customer", "is_active": true, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
	pair        = map[string]any{"access_token": "access-2", "refresh_token": "refresh-2", "token_type": "Bearer", "expires_in": 900}
	unavailable = reply{status: 503, body: problem(503, "service_unavailable")}
	ctx         = context.Background()
)

func TestWhenAGetMeets503sThenItIsRetriedUntilItSucceeds(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", unavailable, unavailable, reply{status: 200, body: user})
	me, err := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast}).Auth.Me(ctx)
	if err != nil || me.Email != "sam@example.com" {
		t.Fatalf("me = %v, %v", me, err)
	}
	if n := len(f.calls("GET", "/v1/users/me")); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
}

func TestWhenAPostWithoutKeyMeetsA503ThenItIsNotSentTwice(t *testing.T) {
	f, srv := newFake(t)
	f.on("POST", "/v1/cart/items", unavailable)
	_, err := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast}).Cart.AddItem(ctx, 1, 1)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrInternalServer) || apiErr.Code != "service_unavailable" {
		t.Fatalf("err = %#v", err)
	}
	if n := len(f.calls("POST", "/v1/cart/items")); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestWhenCheckoutIsRetriedThenEveryAttemptCarriesTheSameMadeKey(t *testing.T) {
	f, srv := newFake(t)
	f.on("POST", "/v1/checkout", unavailable)
	shop := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast})
	for range 2 {
		if _, err := shop.Checkout.Create(ctx, "q_1", Card("tok_visa")); !errors.Is(err, ErrInternalServer) {
			t.Fatalf("err = %v", err)
		}
	}
	var keys []string
	for _, r := range f.calls("POST", "/v1/checkout") {
		keys = append(keys, r.Header.Get("Idempotency-Key"))
	}
	if len(keys) != 6 || keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] || keys[3] != keys[5] || keys[0] == keys[3] {
		t.Fatalf("keys = %v: want one key per call, repeated by its 2 retries", keys)
	}
}

func TestWhen429SaysRetryAfterThenTheClientWaitsThatLong(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 429, header: map[string]string{"Retry-After": "0.3"}, body: problem(429, "rate_limited")}, reply{status: 200, body: user})
	started := time.Now()
	if _, err := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast}).Auth.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(started); waited < 300*time.Millisecond {
		t.Fatalf("waited %v, want >= 300ms", waited)
	}
}

func TestWhenRetryAfterIsTooLongThenTheErrorReturnsWithIt(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 429, header: map[string]string{"Retry-After": "3600"}, body: problem(429, "rate_limited")})
	_, err := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast}).Auth.Me(ctx)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrRateLimited) || apiErr.RetryAfter != time.Hour {
		t.Fatalf("err = %#v", err)
	}
	if n := len(f.calls("GET", "/v1/users/me")); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestWhenTheTokenExpiredThenTheClientRefreshesOnceAndRetries(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 401, body: problem(401, "token_expired")}, reply{status: 200, body: user})
	f.on("POST", "/v1/auth/refresh", reply{status: 200, body: pair})
	var stored []string
	shop := New(Options{BaseURL: srv.URL, AccessToken: "access-1", RefreshToken: "refresh-1", Retry: fast, OnTokens: func(p auth.TokenPair) { stored = append(stored, p.AccessToken) }})
	if _, err := shop.Auth.Me(ctx); err != nil {
		t.Fatal(err)
	}
	calls := f.calls("GET", "/v1/users/me")
	if len(calls) != 2 || calls[0].Header.Get("Authorization") != "Bearer access-1" || calls[1].Header.Get("Authorization") != "Bearer access-2" {
		t.Fatalf("me calls = %d", len(calls))
	}
	if len(stored) != 1 || shop.AccessToken() != "access-2" || shop.RefreshToken() != "refresh-2" {
		t.Fatalf("stored = %v, held = %s/%s", stored, shop.AccessToken(), shop.RefreshToken())
	}
}

func TestWhenTheRetriedCallIsRefusedAgainThenThe401StandsWithoutALoop(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 401, body: problem(401, "token_expired")})
	f.on("POST", "/v1/auth/refresh", reply{status: 200, body: pair})
	_, err := New(Options{BaseURL: srv.URL, AccessToken: "access-1", RefreshToken: "refresh-1", Retry: fast}).Auth.Me(ctx)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrAuthentication) || apiErr.Code != "token_expired" {
		t.Fatalf("err = %#v", err)
	}
	if r, m := len(f.calls("POST", "/v1/auth/refresh")), len(f.calls("GET", "/v1/users/me")); r != 1 || m != 2 {
		t.Fatalf("refreshes = %d, me calls = %d; want 1 and 2", r, m)
	}
}

func TestWhenTheRefreshFailsThenTheOriginal401IsReturned(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 401, body: problem(401, "token_expired")})
	f.on("POST", "/v1/auth/refresh", reply{status: 401, body: problem(401, "token_invalid")})
	_, err := New(Options{BaseURL: srv.URL, AccessToken: "access-1", RefreshToken: "refresh-1", Retry: fast}).Auth.Me(ctx)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "token_expired" {
		t.Fatalf("err = %#v", err)
	}
}

func TestWhenTheAPIAnswersAProblemThenItsFieldsAreOnTheError(t *testing.T) {
	f, srv := newFake(t)
	declined := problem(402, "payment_declined")
	declined["decline_code"], declined["transaction_id"] = "card_declined", "t-1"
	invalid := problem(422, "validation_failed")
	invalid["errors"] = []map[string]string{{"path": "/body/quantity", "message": "must be >= 1"}}
	f.on("POST", "/v1/checkout", reply{status: 402, header: map[string]string{"X-Request-Id": "req-1"}, body: declined})
	f.on("POST", "/v1/cart/items", reply{status: 422, body: invalid})
	shop := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast})
	_, err := shop.Checkout.Create(ctx, "q_1", Card("tok_chargeDeclined"))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrPaymentRequired) || apiErr.DeclineCode != "card_declined" || apiErr.RequestID != "req-1" || apiErr.TransactionID != "t-1" {
		t.Fatalf("err = %#v", err)
	}
	_, err = shop.Cart.AddItem(ctx, 1, 1)
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrUnprocessable) || len(apiErr.Errors) != 1 || apiErr.Errors[0].Path != "/body/quantity" {
		t.Fatalf("err = %#v", err)
	}
}

func TestWhenTheServerIsTooSlowThenATimeoutConnectionErrorIsReturned(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 200, body: user, delay: 300 * time.Millisecond})
	_, err := New(Options{BaseURL: srv.URL, AccessToken: "a", Timeout: 50 * time.Millisecond, NoRetries: true}).Auth.Me(ctx)
	var conn *ConnectionError
	if !errors.As(err, &conn) || !conn.Timeout {
		t.Fatalf("err = %#v", err)
	}
}

func TestWhenNothingListensThenAConnectionErrorIsReturned(t *testing.T) {
	_, srv := newFake(t)
	url := srv.URL
	srv.Close()
	_, err := New(Options{BaseURL: url, Retry: fast}).Auth.Me(ctx)
	var conn *ConnectionError
	if !errors.As(err, &conn) || conn.Timeout {
		t.Fatalf("err = %#v", err)
	}
}

func TestWhenTheCallerCancelsThenTheContextErrorIsReturnedWithoutRetries(t *testing.T) {
	f, srv := newFake(t)
	f.on("GET", "/v1/users/me", reply{status: 200, body: user, delay: 300 * time.Millisecond})
	c, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := New(Options{BaseURL: srv.URL, AccessToken: "a", Retry: fast}).Auth.Me(c)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %#v", err)
	}
	if n := len(f.calls("GET", "/v1/users/me")); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

func TestWhenAListHasThreePagesThenAllFetchesEachWithTheCursor(t *testing.T) {
	f, srv := newFake(t)
	page := func(cursor any, ids ...int) reply {
		var data []map[string]any
		for _, id := range ids {
			data = append(data, map[string]any{"id": id, "name": "p", "description": "", "sku": "S", "category": "books", "price": map[string]any{"amount": 1, "currency": "USD"}, "images": []any{},
				"is_active": true, "stock": 1, "available": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
		}
		return reply{status: 200, body: map[string]any{"data": data, "next_cursor": cursor, "total_count": 5, "total_count_is_lower_bound": false}}
	}
	f.on("GET", "/v1/products", page("c1", 1, 2), page("c2", 3, 4), page(nil, 5))
	var ids []int64
	for p, err := range New(Options{BaseURL: srv.URL}).Products.List(ctx, ProductsQuery{Q: "kite", Limit: 2}).All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.Id)
	}
	calls := f.calls("GET", "/v1/products")
	if len(ids) != 5 || ids[4] != 5 || calls[0].URL.Query().Get("cursor") != "" || calls[1].URL.Query().Get("cursor") != "c1" || calls[2].URL.Query().Get("cursor") != "c2" || calls[2].URL.Query().Get("q") != "kite" {
		t.Fatalf("ids = %v", ids)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	policy := RetryPolicy{InitialDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second}
	for retry, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		low, high := backoffDelay(retry, policy, func() float64 { return 0 }), backoffDelay(retry, policy, func() float64 { return 1 })
		if low != want/2 || high != want {
			t.Fatalf("retry %d: [%v, %v], want [%v, %v]", retry, low, high, want/2, want)
		}
	}
}

func TestWhenCallsFindTheTokenExpiredTogetherThenTheyShareOneRefresh(t *testing.T) {
	f, srv := newFake(t)
	// Both calls are out before either refreshes.
	expired := reply{status: 401, body: problem(401, "token_expired"), delay: 200 * time.Millisecond}
	f.on("GET", "/v1/users/me", expired, expired, reply{status: 200, body: user})
	f.on("POST", "/v1/auth/refresh", reply{status: 200, body: pair})
	shop := New(Options{BaseURL: srv.URL, AccessToken: "access-1", RefreshToken: "refresh-1", Retry: fast})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = shop.Auth.Me(ctx)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errs = %v", errs)
	}
	if n := len(f.calls("POST", "/v1/auth/refresh")); n != 1 {
		t.Fatalf("%d refreshes, want 1 (a refresh token is single-use)", n)
	}
}
