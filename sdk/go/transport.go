package disqo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// RetryPolicy tunes the backoff: waits grow from InitialDelay, doubling, capped at MaxDelay,
// with jitter; a Retry-After longer than MaxRetryAfter is not waited out (the error returns).
type RetryPolicy struct {
	InitialDelay  time.Duration
	MaxDelay      time.Duration
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy: 0.5 s, 1 s, 2 s, 4 s, 8 s cap; Retry-After up to 60 s.
var DefaultRetryPolicy = RetryPolicy{InitialDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, MaxRetryAfter: 60 * time.Second}

// callOptions are one call's settings, carried from the facade to the transport in the
// request's context (the generated request builders have no place for them).
type callOptions struct {
	timeout         time.Duration
	maxRetries      *int // nil: the client's
	headers         map[string]string
	withToken       bool // send the held access token
	refreshOnExpiry bool // false for the refresh call itself, so an expired session cannot loop
}

type callOptionsKey struct{}

// transport is the http.RoundTripper the generated clients send through. It adds a
// per-attempt timeout, retries with backoff for requests safe to repeat, one token refresh on
// 401 token_expired, and turns every non-2xx answer into an *APIError.
type transport struct {
	base       http.RoundTripper
	session    *session
	timeout    time.Duration
	maxRetries int
	policy     RetryPolicy
	headers    map[string]string
	sleep      func(ctx context.Context, d time.Duration) error
	random     func() float64
}

var idempotentMethods = map[string]bool{"GET": true, "HEAD": true, "PUT": true, "DELETE": true, "OPTIONS": true}

// isRetrySafe: an idempotent method, or a request that carries an Idempotency-Key.
func isRetrySafe(req *http.Request) bool {
	return idempotentMethods[req.Method] || req.Header.Get("Idempotency-Key") != ""
}

// isRetriableStatus: 408, 429 and every 5xx may succeed when tried again.
func isRetriableStatus(status int) bool {
	return status == 408 || status == 429 || status >= 500
}

// backoffDelay is the wait before retry number retry (0 first): exponential, capped, with
// equal jitter (half fixed, half random) so that clients failing together do not retry together.
func backoffDelay(retry int, policy RetryPolicy, random func() float64) time.Duration {
	ceiling := min(policy.MaxDelay, policy.InitialDelay<<retry)
	if ceiling <= 0 { // the shift overflowed
		ceiling = policy.MaxDelay
	}
	return ceiling/2 + time.Duration(random()*float64(ceiling/2))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	call, _ := req.Context().Value(callOptionsKey{}).(callOptions)
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	req = req.Clone(req.Context())
	for name, value := range t.headers {
		req.Header.Set(name, value)
	}
	for name, value := range call.headers {
		req.Header.Set(name, value)
	}
	sent := ""
	if call.withToken {
		if sent = t.session.accessToken(); sent != "" {
			req.Header.Set("Authorization", "Bearer "+sent)
		}
	}
	resp, err := t.sendWithRetries(req, body, call)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && call.refreshOnExpiry && sent != "" && problemCode(resp) == "token_expired" {
		if fresh := t.session.accessTokenAfterExpiry(req.Context(), sent); fresh != "" {
			// A 401 means the API did nothing, so even a POST without a key may go again; the
			// second answer stands (no second refresh).
			req.Header.Set("Authorization", "Bearer "+fresh)
			if resp, err = t.sendWithRetries(req, body, call); err != nil {
				return nil, err
			}
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(resp.Body)
		return nil, newAPIError(resp.StatusCode, resp.Header, data)
	}
	return resp, nil
}

func (t *transport) sendWithRetries(req *http.Request, body []byte, call callOptions) (*http.Response, error) {
	maxRetries := t.maxRetries
	if call.maxRetries != nil {
		maxRetries = max(0, *call.maxRetries)
	}
	retrySafe := isRetrySafe(req)
	for retry := 0; ; retry++ {
		canRetry := retrySafe && retry < maxRetries
		resp, err := t.attempt(req, body, call)
		var delay time.Duration
		switch {
		case err != nil:
			var conn *ConnectionError
			if !canRetry || !errors.As(err, &conn) {
				return nil, err
			}
			delay = backoffDelay(retry, t.policy, t.random)
		case !canRetry || !isRetriableStatus(resp.StatusCode):
			return resp, nil
		default:
			var ok bool
			if delay, ok = t.retryDelay(resp, retry); !ok {
				return resp, nil
			}
		}
		if err := t.sleep(req.Context(), delay); err != nil {
			return nil, err
		}
	}
}

// retryDelay is Retry-After when the API sent one (and it is short enough), else backoff.
func (t *transport) retryDelay(resp *http.Response, retry int) (time.Duration, bool) {
	wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if !ok {
		return backoffDelay(retry, t.policy, t.random), true
	}
	return wait, wait <= t.policy.MaxRetryAfter
}

// attempt sends once and reads the whole body, both within the per-attempt timeout.
func (t *transport) attempt(req *http.Request, body []byte, call callOptions) (*http.Response, error) {
	timeout := t.timeout
	if call.timeout > 0 {
		timeout = call.timeout
	}
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	try := req.Clone(ctx)
	if body != nil {
		try.Body = io.NopCloser(bytes.NewReader(body))
		try.ContentLength = int64(len(body))
	}
	resp, err := t.base.RoundTrip(try)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err() // the caller's own cancel or deadline: never retried
		}
		return nil, &ConnectionError{Timeout: ctx.Err() != nil, Err: err}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	return resp, nil
}

func problemCode(resp *http.Response) string {
	data, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var problem struct {
		Code string `json:"code"`
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") || json.Unmarshal(data, &problem) != nil {
		return ""
	}
	return problem.Code
}

func defaultRandom() float64 { return rand.Float64() }
