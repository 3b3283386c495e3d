package disqo

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/disqo-commerce/sdk-go/generated/auth"
	"github.com/disqo-commerce/sdk-go/generated/cart"
	"github.com/disqo-commerce/sdk-go/generated/order"
	"github.com/disqo-commerce/sdk-go/generated/product"
)

// Version of this SDK, sent in the User-Agent.
const Version = "0.1.0"

// Options of New.
type Options struct {
	// BaseURL is the API's origin, e.g. http://localhost:8080 (the gateway). Required.
	BaseURL string
	// AccessToken and RefreshToken resume a session stored earlier (optional).
	AccessToken  string
	RefreshToken string
	// OnTokens is called with every new pair: after Login, Register, Refresh and the automatic
	// refresh of an expired access token. Store the pair there.
	OnTokens func(auth.TokenPair)
	// Timeout limits each attempt (default 30 s). The caller's context limits the whole call.
	Timeout time.Duration
	// MaxRetries of a failed request that is safe to repeat (default 2; set NoRetries for 0).
	MaxRetries int
	// NoRetries turns retries off (MaxRetries 0 means the default).
	NoRetries bool
	// Retry tunes the backoff (default DefaultRetryPolicy).
	Retry *RetryPolicy
	// Headers are sent with every request (e.g. User-Agent).
	Headers map[string]string
	// HTTPClient's Transport is what requests go through (default http.DefaultTransport).
	HTTPClient *http.Client
}

// RequestOption changes one call.
type RequestOption func(*requestSettings)

type requestSettings struct {
	callOptions
	idempotencyKey string
}

// WithIdempotencyKey sends an Idempotency-Key: any POST that carries one may be retried
// safely. Checkout.Create and Orders.Cancel make one when it is not given.
func WithIdempotencyKey(key string) RequestOption {
	return func(s *requestSettings) { s.idempotencyKey = key }
}

// WithTimeout is this call's timeout per attempt.
func WithTimeout(d time.Duration) RequestOption {
	return func(s *requestSettings) { s.timeout = d }
}

// WithMaxRetries is this call's retry budget.
func WithMaxRetries(n int) RequestOption {
	return func(s *requestSettings) { s.maxRetries = &n }
}

// WithHeader adds a header to this call.
func WithHeader(name, value string) RequestOption {
	return func(s *requestSettings) {
		if s.headers == nil {
			s.headers = map[string]string{}
		}
		s.headers[name] = value
	}
}

// Client is the DISQO Commerce API client. One Client holds one session's tokens: on a server
// acting for many shoppers, make one per shopper (New is cheap). It is safe for concurrent use.
// JSON names are the API's (snake_case) on the wire; the models are the generated packages'.
type Client struct {
	// Auth: register, log in, refresh, log out; the caller's profile (Me).
	Auth *AuthService
	// Products: the catalog.
	Products *ProductsService
	// Cart: the caller's cart.
	Cart *CartService
	// Quotes of the cart.
	Quotes *QuotesService
	// Checkout: paying for a quote.
	Checkout *CheckoutService
	// Orders: the caller's orders.
	Orders *OrdersService
	// Receipts: immutable receipts.
	Receipts *ReceiptsService

	session *session
}

// New makes a Client. BaseURL is required.
func New(options Options) *Client {
	if options.BaseURL == "" {
		panic(`disqo.New: BaseURL is required, e.g. disqo.New(disqo.Options{BaseURL: "http://localhost:8080"})`)
	}
	s := &session{access: options.AccessToken, refresh: options.RefreshToken, onTokens: options.OnTokens}
	base := http.DefaultTransport
	if options.HTTPClient != nil && options.HTTPClient.Transport != nil {
		base = options.HTTPClient.Transport
	}
	t := &transport{
		base: base, session: s, timeout: options.Timeout, maxRetries: options.MaxRetries, policy: DefaultRetryPolicy,
		headers: options.Headers, sleep: sleepCtx, random: defaultRandom,
	}
	if t.timeout <= 0 {
		t.timeout = 30 * time.Second
	}
	if options.NoRetries {
		t.maxRetries = 0
	} else if options.MaxRetries <= 0 {
		t.maxRetries = 2
	}
	if options.Retry != nil {
		t.policy = *options.Retry
	}
	httpClient := &http.Client{Transport: t}
	baseURL := strings.TrimRight(options.BaseURL, "/")
	userAgent := "disqo-commerce-go/" + Version

	authConfig := auth.NewConfiguration()
	authConfig.Servers = auth.ServerConfigurations{{URL: baseURL}}
	authConfig.HTTPClient, authConfig.UserAgent = httpClient, userAgent
	productConfig := product.NewConfiguration()
	productConfig.Servers = product.ServerConfigurations{{URL: baseURL}}
	productConfig.HTTPClient, productConfig.UserAgent = httpClient, userAgent
	cartConfig := cart.NewConfiguration()
	cartConfig.Servers = cart.ServerConfigurations{{URL: baseURL}}
	cartConfig.HTTPClient, cartConfig.UserAgent = httpClient, userAgent
	orderConfig := order.NewConfiguration()
	orderConfig.Servers = order.ServerConfigurations{{URL: baseURL}}
	orderConfig.HTTPClient, orderConfig.UserAgent = httpClient, userAgent

	authAPI := auth.NewAPIClient(authConfig)
	cartAPI := cart.NewAPIClient(cartConfig)
	orderAPI := order.NewAPIClient(orderConfig)
	s.refreshCall = func(ctx context.Context, refreshToken string) (*auth.TokenPair, error) {
		pair, _, err := authAPI.AuthAPI.RefreshTokens(ctx).RefreshRequest(auth.RefreshRequest{RefreshToken: refreshToken}).Execute()
		return pair, err
	}
	return &Client{
		Auth:     &AuthService{api: authAPI, session: s},
		Products: &ProductsService{api: product.NewAPIClient(productConfig).ProductsAPI},
		Cart:     &CartService{api: cartAPI.CartAPI},
		Quotes:   &QuotesService{api: cartAPI.QuotesAPI},
		Checkout: &CheckoutService{api: orderAPI.CheckoutAPI},
		Orders:   &OrdersService{api: orderAPI.OrdersAPI},
		Receipts: &ReceiptsService{api: orderAPI.ReceiptsAPI},
		session:  s,
	}
}

// AccessToken is the access token the client sends ("" when none).
func (c *Client) AccessToken() string { return c.session.accessToken() }

// RefreshToken is the refresh token the client holds ("" when none).
func (c *Client) RefreshToken() string {
	c.session.mu.Lock()
	defer c.session.mu.Unlock()
	return c.session.refresh
}

// SetTokens holds a pair stored earlier (OnTokens is not called for it).
func (c *Client) SetTokens(accessToken, refreshToken string) {
	c.session.set(accessToken, refreshToken)
}

// ClearTokens forgets the tokens locally (revokes nothing: Auth.Logout does).
func (c *Client) ClearTokens() { c.session.set("", "") }

// session holds one client's tokens.
type session struct {
	mu          sync.Mutex
	access      string
	refresh     string
	onTokens    func(auth.TokenPair)
	refreshMu   sync.Mutex // one refresh at a time: a refresh token is single-use
	refreshCall func(ctx context.Context, refreshToken string) (*auth.TokenPair, error)
}

func (s *session) accessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access
}

func (s *session) set(access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access, s.refresh = access, refresh
}

// store holds a pair the API issued, and tells the app.
func (s *session) store(pair auth.TokenPair) {
	s.set(pair.AccessToken, pair.RefreshToken)
	if s.onTokens != nil {
		s.onTokens(pair)
	}
}

// accessTokenAfterExpiry refreshes once for every call that found sent expired; "" when it
// cannot (no refresh token, or the refresh failed): then the 401 stands.
func (s *session) accessTokenAfterExpiry(ctx context.Context, sent string) string {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	s.mu.Lock()
	access, refresh := s.access, s.refresh
	s.mu.Unlock()
	if access != "" && access != sent {
		return access // another call refreshed meanwhile
	}
	if refresh == "" || s.refreshCall == nil {
		return ""
	}
	pair, err := s.refreshCall(withCall(ctx, callOptions{refreshOnExpiry: false}), refresh)
	if err != nil || pair == nil {
		return ""
	}
	s.store(*pair)
	return pair.AccessToken
}

// withCall puts one call's settings in its context, for the transport.
func withCall(ctx context.Context, call callOptions) context.Context {
	return context.WithValue(ctx, callOptionsKey{}, call)
}

// callContext is the context of a facade call: its options, and whether the token goes along.
func callContext(ctx context.Context, withToken bool, opts []RequestOption) (context.Context, requestSettings) {
	settings := requestSettings{callOptions: callOptions{withToken: withToken, refreshOnExpiry: true}}
	for _, opt := range opts {
		opt(&settings)
	}
	if settings.idempotencyKey != "" {
		WithHeader("Idempotency-Key", settings.idempotencyKey)(&settings)
	}
	return withCall(ctx, settings.callOptions), settings
}
