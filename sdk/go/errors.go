package disqo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FieldError is one failing field of a request that did not validate (code validation_failed).
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// APIError is a non-2xx answer of the API, its problem+json body (RFC 9457) parsed. Switch on
// Code (the stable ErrorCode), never on the English text; or test the kind of error with
// errors.Is(err, disqo.ErrNotFound) and the other Err* values.
type APIError struct {
	Status int
	// Code is the stable error code (not_found, payment_declined, ...); empty only when the
	// body was not problem+json (an HTML 502 from a proxy, for instance).
	Code   string
	Type   string
	Title  string
	Detail string
	// Errors lists the failing fields of validation_failed; empty otherwise.
	Errors []FieldError
	// DeclineCode is the processor's reason of a payment_declined (card_declined, ...).
	DeclineCode string
	// TransactionID is the declined transaction of a payment_declined.
	TransactionID string
	// RequestID is X-Request-Id: quote it when asking for support; it is in the API's logs.
	RequestID string
	// RetryAfter is the wait the API asked for (Retry-After on 429 and 503), or 0.
	RetryAfter time.Duration
	// Body is the raw body, for extension members (e.g. products of insufficient_stock).
	Body   []byte
	Header http.Header
}

func (e *APIError) Error() string {
	text := e.Detail
	if text == "" {
		text = e.Title
	}
	if text == "" {
		text = "the API answered with an error"
	}
	if e.Code != "" {
		return fmt.Sprintf("disqo: %d %s: %s", e.Status, e.Code, text)
	}
	return fmt.Sprintf("disqo: %d: %s", e.Status, text)
}

// The kinds of APIError, by status, for errors.Is (the TypeScript SDK's error classes).
var (
	ErrBadRequest       = errors.New("disqo: bad request (400)")
	ErrAuthentication   = errors.New("disqo: authentication failed (401)")
	ErrPaymentRequired  = errors.New("disqo: payment required (402)")
	ErrPermissionDenied = errors.New("disqo: permission denied (403)")
	ErrNotFound         = errors.New("disqo: not found (404)")
	ErrConflict         = errors.New("disqo: conflict (409)")
	ErrUnprocessable    = errors.New("disqo: unprocessable entity (422)")
	ErrRateLimited      = errors.New("disqo: rate limited (429)")
	ErrInternalServer   = errors.New("disqo: server error (5xx)")
)

var kindByStatus = map[int]error{
	400: ErrBadRequest, 401: ErrAuthentication, 402: ErrPaymentRequired, 403: ErrPermissionDenied,
	404: ErrNotFound, 409: ErrConflict, 422: ErrUnprocessable, 429: ErrRateLimited,
}

// Is makes errors.Is(err, disqo.ErrNotFound) (and the other kinds) true for the matching status.
func (e *APIError) Is(target error) bool {
	if e.Status >= 500 {
		return target == ErrInternalServer
	}
	kind, ok := kindByStatus[e.Status]
	return ok && kind == target
}

// ConnectionError means no answer at all: DNS, refused, reset, or (Timeout) no complete
// answer within the per-attempt timeout.
type ConnectionError struct {
	Timeout bool
	Err     error
}

func (e *ConnectionError) Error() string {
	if e.Timeout {
		return "disqo: the request timed out: " + e.Err.Error()
	}
	return "disqo: could not reach the API: " + e.Err.Error()
}

func (e *ConnectionError) Unwrap() error { return e.Err }

func newAPIError(status int, header http.Header, body []byte) *APIError {
	e := &APIError{Status: status, Header: header, Body: body, RequestID: header.Get("X-Request-Id")}
	var problem struct {
		Type          string       `json:"type"`
		Title         string       `json:"title"`
		Detail        string       `json:"detail"`
		Code          string       `json:"code"`
		RequestID     string       `json:"request_id"`
		Errors        []FieldError `json:"errors"`
		DeclineCode   string       `json:"decline_code"`
		TransactionID string       `json:"transaction_id"`
	}
	if json.Unmarshal(body, &problem) == nil {
		e.Type, e.Title, e.Detail, e.Code = problem.Type, problem.Title, problem.Detail, problem.Code
		e.Errors, e.DeclineCode, e.TransactionID = problem.Errors, problem.DeclineCode, problem.TransactionID
		if e.RequestID == "" {
			e.RequestID = problem.RequestID
		}
	}
	if e.Errors == nil {
		e.Errors = []FieldError{}
	}
	e.RetryAfter, _ = parseRetryAfter(header.Get("Retry-After"), time.Now())
	return e
}

// parseRetryAfter reads Retry-After: delta-seconds or an HTTP date.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseFloat(value, 64); err == nil && seconds >= 0 {
		return time.Duration(seconds * float64(time.Second)), true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

// sdkError turns what a generated call returned into the SDK's error: the http.Client wraps
// the transport's *APIError or *ConnectionError in a *url.Error, which is taken off here.
func sdkError(err error) error {
	var api *APIError
	if errors.As(err, &api) {
		return api
	}
	var conn *ConnectionError
	if errors.As(err, &conn) {
		return conn
	}
	return err
}
