package disqo

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/disqo-commerce/sdk-go/generated/auth"
	"github.com/disqo-commerce/sdk-go/generated/cart"
	"github.com/disqo-commerce/sdk-go/generated/order"
	"github.com/disqo-commerce/sdk-go/generated/product"
)

// AuthService: accounts and sessions. The client keeps the tokens.
type AuthService struct {
	api     *auth.APIClient
	session *session
}

// Register creates a customer account and logs it in: the client holds the new tokens.
func (s *AuthService) Register(ctx context.Context, body auth.RegisterRequest, opts ...RequestOption) (*auth.AuthResult, error) {
	ctx, _ = callContext(ctx, false, opts)
	result, _, err := s.api.AuthAPI.RegisterUser(ctx).RegisterRequest(body).Execute()
	if err != nil {
		return nil, sdkError(err)
	}
	s.session.store(result.Tokens)
	return result, nil
}

// Login logs in: the client holds the tokens for the calls that follow.
func (s *AuthService) Login(ctx context.Context, email, password string, opts ...RequestOption) (*auth.AuthResult, error) {
	ctx, _ = callContext(ctx, false, opts)
	result, _, err := s.api.AuthAPI.LoginUser(ctx).LoginRequest(auth.LoginRequest{Email: email, Password: password}).Execute()
	if err != nil {
		return nil, sdkError(err)
	}
	s.session.store(result.Tokens)
	return result, nil
}

// Refresh exchanges the held refresh token for a new pair, which the client then holds. The
// client also does this by itself when an access token has expired.
func (s *AuthService) Refresh(ctx context.Context, opts ...RequestOption) (*auth.TokenPair, error) {
	refresh := s.refreshToken()
	if refresh == "" {
		return nil, fmt.Errorf("disqo: Auth.Refresh: no refresh token; log in first")
	}
	ctx, _ = callContext(ctx, false, opts)
	pair, _, err := s.api.AuthAPI.RefreshTokens(ctx).RefreshRequest(auth.RefreshRequest{RefreshToken: refresh}).Execute()
	if err != nil {
		return nil, sdkError(err)
	}
	s.session.store(*pair)
	return pair, nil
}

// Logout revokes the held refresh token and forgets the tokens. Logging out twice is not an error.
func (s *AuthService) Logout(ctx context.Context, opts ...RequestOption) error {
	if refresh := s.refreshToken(); refresh != "" {
		ctx, _ = callContext(ctx, false, opts)
		if _, err := s.api.AuthAPI.LogoutUser(ctx).RefreshRequest(auth.RefreshRequest{RefreshToken: refresh}).Execute(); err != nil {
			return sdkError(err)
		}
	}
	s.session.set("", "")
	return nil
}

// Me is the logged-in user's profile.
func (s *AuthService) Me(ctx context.Context, opts ...RequestOption) (*auth.User, error) {
	ctx, _ = callContext(ctx, true, opts)
	user, _, err := s.api.UsersAPI.GetCurrentUser(ctx).Execute()
	return user, sdkError(err)
}

func (s *AuthService) refreshToken() string {
	s.session.mu.Lock()
	defer s.session.mu.Unlock()
	return s.session.refresh
}

// ProductsQuery filters a catalog search; zero values are left out.
type ProductsQuery struct {
	Q        string
	MinPrice int64
	MaxPrice int64
	Sort     product.ProductSort
	IDs      string
	Limit    int64
	Cursor   string // resume from a next_cursor you kept
}

// ProductsService: the catalog (no token needed; the held one goes along, so admins see
// inactive products too).
type ProductsService struct {
	api *product.ProductsAPIService
}

// List searches (Q: every word must match, prefixes too) or browses the catalog.
func (s *ProductsService) List(ctx context.Context, query ProductsQuery, opts ...RequestOption) *Pager[product.Product, product.ProductPage] {
	return &Pager[product.Product, product.ProductPage]{
		ctx: ctx,
		fetch: func(ctx context.Context, cursor string) (*product.ProductPage, error) {
			ctx, _ = callContext(ctx, true, opts)
			req := s.api.SearchProducts(ctx)
			if query.Q != "" {
				req = req.Q(query.Q)
			}
			if query.MinPrice > 0 {
				req = req.MinPrice(query.MinPrice)
			}
			if query.MaxPrice > 0 {
				req = req.MaxPrice(query.MaxPrice)
			}
			if query.Sort != "" {
				req = req.Sort(query.Sort)
			}
			if query.IDs != "" {
				req = req.Ids(query.IDs)
			}
			if query.Limit > 0 {
				req = req.Limit(query.Limit)
			}
			if cursor = first(cursor, query.Cursor); cursor != "" {
				req = req.Cursor(cursor)
			}
			page, _, err := req.Execute()
			return page, sdkError(err)
		},
		items: func(p *product.ProductPage) []product.Product { return p.Data },
		next:  func(p *product.ProductPage) string { return deref(p.NextCursor.Get()) },
	}
}

// Get is one product with its available stock.
func (s *ProductsService) Get(ctx context.Context, id int64, opts ...RequestOption) (*product.Product, error) {
	ctx, _ = callContext(ctx, true, opts)
	p, _, err := s.api.GetProduct(ctx, id).Execute()
	return p, sdkError(err)
}

// CartService: the caller's cart (created on first use). Every method answers the whole cart.
type CartService struct {
	api *cart.CartAPIService
}

func (s *CartService) Get(ctx context.Context, opts ...RequestOption) (*cart.Cart, error) {
	ctx, _ = callContext(ctx, true, opts)
	c, _, err := s.api.GetCart(ctx).Execute()
	return c, sdkError(err)
}

// AddItem adds a product (adding one already in the cart adds to its quantity).
func (s *CartService) AddItem(ctx context.Context, productID, quantity int64, opts ...RequestOption) (*cart.Cart, error) {
	ctx, _ = callContext(ctx, true, opts)
	c, _, err := s.api.AddCartItem(ctx).CartItemInput(cart.CartItemInput{ProductId: productID, Quantity: quantity}).Execute()
	return c, sdkError(err)
}

func (s *CartService) UpdateItem(ctx context.Context, itemID, quantity int64, opts ...RequestOption) (*cart.Cart, error) {
	ctx, _ = callContext(ctx, true, opts)
	c, _, err := s.api.UpdateCartItem(ctx, itemID).CartItemUpdate(cart.CartItemUpdate{Quantity: quantity}).Execute()
	return c, sdkError(err)
}

func (s *CartService) RemoveItem(ctx context.Context, itemID int64, opts ...RequestOption) (*cart.Cart, error) {
	ctx, _ = callContext(ctx, true, opts)
	c, _, err := s.api.RemoveCartItem(ctx, itemID).Execute()
	return c, sdkError(err)
}

func (s *CartService) Clear(ctx context.Context, opts ...RequestOption) (*cart.Cart, error) {
	ctx, _ = callContext(ctx, true, opts)
	c, _, err := s.api.ClearCart(ctx).Execute()
	return c, sdkError(err)
}

// QuotesService: the cart priced now, its stock held until the quote expires.
type QuotesService struct {
	api *cart.QuotesAPIService
}

// Create prices the cart (with an optional promo code and address) and reserves its stock.
func (s *QuotesService) Create(ctx context.Context, body cart.QuoteInput, opts ...RequestOption) (*cart.Quote, error) {
	ctx, _ = callContext(ctx, true, opts)
	q, _, err := s.api.CreateQuote(ctx).QuoteInput(body).Execute()
	return q, sdkError(err)
}

func (s *QuotesService) Get(ctx context.Context, id string, opts ...RequestOption) (*cart.Quote, error) {
	ctx, _ = callContext(ctx, true, opts)
	q, _, err := s.api.GetQuote(ctx, id).Execute()
	return q, sdkError(err)
}

// CheckoutService: paying for a quote.
type CheckoutService struct {
	api *order.CheckoutAPIService
}

// Create charges the card for an open quote and places the order. A decline is an *APIError
// (402 payment_declined, errors.Is ErrPaymentRequired) and the quote stays open. The
// Idempotency-Key is made here unless WithIdempotencyKey gives one, and every retry repeats it,
// so the card is never charged twice.
func (s *CheckoutService) Create(ctx context.Context, quoteID string, paymentMethod order.PaymentMethod, opts ...RequestOption) (*order.CheckoutResult, error) {
	ctx, key := idempotentContext(ctx, opts)
	result, _, err := s.api.CreateCheckout(ctx).IdempotencyKey(key).CheckoutInput(order.CheckoutInput{QuoteId: quoteID, PaymentMethod: paymentMethod}).Execute()
	return result, sdkError(err)
}

// Card is the payment method of a card token (tok_visa, tok_chargeDeclined, ... on the test gateway).
func Card(token string) order.PaymentMethod {
	return order.PaymentMethod{Type: "card", Token: token}
}

// OrdersService: the caller's orders.
type OrdersService struct {
	api *order.OrdersAPIService
}

// List is the caller's orders, newest first (limit 0: the API's default page size).
func (s *OrdersService) List(ctx context.Context, limit int64, opts ...RequestOption) *Pager[order.Order, order.OrderPage] {
	return &Pager[order.Order, order.OrderPage]{
		ctx: ctx,
		fetch: func(ctx context.Context, cursor string) (*order.OrderPage, error) {
			ctx, _ = callContext(ctx, true, opts)
			req := s.api.ListOrders(ctx)
			if limit > 0 {
				req = req.Limit(limit)
			}
			if cursor != "" {
				req = req.Cursor(cursor)
			}
			page, _, err := req.Execute()
			return page, sdkError(err)
		},
		items: func(p *order.OrderPage) []order.Order { return p.Data },
		next:  func(p *order.OrderPage) string { return deref(p.NextCursor.Get()) },
	}
}

// Get is one order with its items, shipments, receipts and transactions.
func (s *OrdersService) Get(ctx context.Context, id string, opts ...RequestOption) (*order.Order, error) {
	ctx, _ = callContext(ctx, true, opts)
	o, _, err := s.api.GetOrder(ctx, id).Execute()
	return o, sdkError(err)
}

// Cancel cancels an order that has not shipped (refund, stock returned); 409
// illegal_transition once shipped. The Idempotency-Key is made here unless given.
func (s *OrdersService) Cancel(ctx context.Context, id string, reason string, opts ...RequestOption) (*order.Order, error) {
	ctx, key := idempotentContext(ctx, opts)
	input := order.CancelInput{}
	if reason != "" {
		input.Reason = &reason
	}
	o, _, err := s.api.CancelOrder(ctx, id).IdempotencyKey(key).CancelInput(input).Execute()
	return o, sdkError(err)
}

// ReceiptsService: immutable receipts of sales and refunds.
type ReceiptsService struct {
	api *order.ReceiptsAPIService
}

// List is the caller's receipts, newest first; orderID ("" for all) narrows to one order's.
func (s *ReceiptsService) List(ctx context.Context, orderID string, opts ...RequestOption) *Pager[order.Receipt, order.ReceiptPage] {
	return &Pager[order.Receipt, order.ReceiptPage]{
		ctx: ctx,
		fetch: func(ctx context.Context, cursor string) (*order.ReceiptPage, error) {
			ctx, _ = callContext(ctx, true, opts)
			req := s.api.ListReceipts(ctx)
			if orderID != "" {
				req = req.OrderId(orderID)
			}
			if cursor != "" {
				req = req.Cursor(cursor)
			}
			page, _, err := req.Execute()
			return page, sdkError(err)
		},
		items: func(p *order.ReceiptPage) []order.Receipt { return p.Data },
		next:  func(p *order.ReceiptPage) string { return deref(p.NextCursor.Get()) },
	}
}

func (s *ReceiptsService) Get(ctx context.Context, id string, opts ...RequestOption) (*order.Receipt, error) {
	ctx, _ = callContext(ctx, true, opts)
	r, _, err := s.api.GetReceipt(ctx, id).Execute()
	return r, sdkError(err)
}

// idempotentContext fixes the call's Idempotency-Key before the first attempt (made here when
// the caller gave none), so every retry of the call repeats it.
func idempotentContext(ctx context.Context, opts []RequestOption) (context.Context, string) {
	_, settings := callContext(ctx, true, opts)
	key := settings.idempotencyKey
	if key == "" {
		key = newUUID()
	}
	ctx, _ = callContext(ctx, true, append(opts, WithIdempotencyKey(key)))
	return ctx, key
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
