// Package integration uses the SDK as an integrator's module does (through the replace
// directive in go.mod) against the running platform (DISQO_BASE_URL, set by make sdk-polyglot):
// the TypeScript quick start's journey, the typed errors, and the README's quick start.
package integration

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"testing"

	disqo "github.com/disqo-commerce/sdk-go"
	"github.com/disqo-commerce/sdk-go/generated/auth"
	"github.com/disqo-commerce/sdk-go/generated/cart"
	"github.com/disqo-commerce/sdk-go/generated/product"
)

const password = "a-long-journey-pass"

var ctx = context.Background()

func baseURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("DISQO_BASE_URL")
	if url == "" {
		t.Skip("DISQO_BASE_URL is not set: the live tests run under `make sdk-polyglot`")
	}
	return url
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// shopper registers a new customer and returns a client logged in as it.
func shopper(t *testing.T) (*disqo.Client, string) {
	t.Helper()
	url := baseURL(t)
	email := "go-" + uuid() + "@example.com"
	if _, err := disqo.New(disqo.Options{BaseURL: url}).Auth.Register(ctx, auth.RegisterRequest{Email: email, Password: password, FirstName: "Go", LastName: "Pher"}); err != nil {
		t.Fatal(err)
	}
	shop := disqo.New(disqo.Options{BaseURL: url})
	if _, err := shop.Auth.Login(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	return shop, email
}

func inStock(t *testing.T, shop *disqo.Client, count int) []product.Product {
	t.Helper()
	var picks []product.Product
	for p, err := range shop.Products.List(ctx, disqo.ProductsQuery{Q: "book", Limit: 20}).All() {
		if err != nil {
			t.Fatal(err)
		}
		if p.Available >= 2 {
			if picks = append(picks, p); len(picks) == count {
				break
			}
		}
	}
	return picks
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestWhenAShopperGoesFromSearchToReceiptThenEveryStepWorks(t *testing.T) {
	shop, email := shopper(t)
	if me := must[*auth.User](t)(shop.Auth.Me(ctx)); me.Email != email {
		t.Fatalf("me = %s", me.Email)
	}

	first := must[*product.ProductPage](t)(shop.Products.List(ctx, disqo.ProductsQuery{Q: "book", Limit: 5}).FirstPage())
	if len(first.Data) != 5 || first.TotalCount <= 5 || !first.NextCursor.IsSet() || first.NextCursor.Get() == nil {
		t.Fatalf("first page: %d items of %d", len(first.Data), first.TotalCount)
	}
	seen := map[int64]bool{}
	for p, err := range shop.Products.List(ctx, disqo.ProductsQuery{Q: "book", Limit: 5}).All() {
		if err != nil {
			t.Fatal(err)
		}
		if seen[p.Id] {
			t.Fatalf("product %d came twice", p.Id)
		}
		if seen[p.Id] = true; len(seen) == 12 {
			break
		}
	}
	if len(seen) != 12 {
		t.Fatalf("%d products over the pages, want 12", len(seen))
	}

	picks := inStock(t, shop, 2)
	for _, p := range picks {
		must[*cart.Cart](t)(shop.Cart.AddItem(ctx, p.Id, 2))
	}
	if items := must[*cart.Cart](t)(shop.Cart.Get(ctx)).Items; len(items) != 2 {
		t.Fatalf("cart has %d items, want 2", len(items))
	}

	quote := must[*cart.Quote](t)(shop.Quotes.Create(ctx, cart.QuoteInput{PromoCode: cart.PtrString("WELCOME10")}))
	if quote.Status != cart.QUOTESTATUS_OPEN || quote.DiscountTotal.Amount <= 0 ||
		quote.Subtotal.Amount-quote.DiscountTotal.Amount+quote.ShippingTotal.Amount+quote.TaxTotal.Amount != quote.Total.Amount {
		t.Fatalf("quote = %+v", quote)
	}

	paid, err := shop.Checkout.Create(ctx, quote.Id, disqo.Card("tok_visa"))
	if err != nil || paid.Order.Status != "paid" || paid.Order.Total.Amount != quote.Total.Amount {
		t.Fatalf("checkout = %+v, %v", paid, err)
	}

	var orders []string
	for o, err := range shop.Orders.List(ctx, 0).All() {
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o.Id)
	}
	if len(orders) != 1 || orders[0] != paid.Order.Id {
		t.Fatalf("orders = %v", orders)
	}
	if got, err := shop.Orders.Get(ctx, paid.Order.Id); err != nil || got.Id != paid.Order.Id {
		t.Fatalf("order = %v, %v", got, err)
	}
	var kinds []string
	for r, err := range shop.Receipts.List(ctx, paid.Order.Id).All() {
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, string(r.Kind))
	}
	if len(kinds) != 1 || kinds[0] != "sale" {
		t.Fatalf("receipts = %v", kinds)
	}
	if r, err := shop.Receipts.Get(ctx, paid.Receipt.Id); err != nil || r.Total.Amount != paid.Order.Total.Amount {
		t.Fatalf("receipt = %v, %v", r, err)
	}

	before := shop.RefreshToken()
	if _, err := shop.Auth.Refresh(ctx); err != nil || shop.RefreshToken() == before {
		t.Fatalf("refresh: %v", err)
	}
	if err := shop.Auth.Logout(ctx); err != nil || shop.AccessToken() != "" {
		t.Fatalf("logout: %v", err)
	}
	if _, err := shop.Auth.Me(ctx); !errors.Is(err, disqo.ErrAuthentication) {
		t.Fatalf("me after logout: %v", err)
	}
}

func apiError(t *testing.T, err error, kind error, status int, code string) *disqo.APIError {
	t.Helper()
	var apiErr *disqo.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, kind) || apiErr.Status != status || apiErr.Code != code {
		t.Fatalf("err = %#v, want %d %s", err, status, code)
	}
	if apiErr.RequestID == "" {
		t.Fatal("no request id")
	}
	return apiErr
}

func TestWhenThePasswordIsWrongThen401InvalidCredentials(t *testing.T) {
	_, email := shopper(t)
	_, err := disqo.New(disqo.Options{BaseURL: baseURL(t)}).Auth.Login(ctx, email, "not-the-password")
	apiError(t, err, disqo.ErrAuthentication, 401, "invalid_credentials")
}

func TestWhenTheOrderIsUnknownThen404NotFound(t *testing.T) {
	shop, _ := shopper(t)
	_, err := shop.Orders.Get(ctx, uuid())
	apiError(t, err, disqo.ErrNotFound, 404, "not_found")
}

func TestWhenTheRegistrationIsInvalidThen422NamesTheFailingField(t *testing.T) {
	_, err := disqo.New(disqo.Options{BaseURL: baseURL(t)}).Auth.Register(ctx, auth.RegisterRequest{Email: "not-an-email", Password: password, FirstName: "A", LastName: "B"})
	apiErr := apiError(t, err, disqo.ErrUnprocessable, 422, "validation_failed")
	for _, field := range apiErr.Errors {
		if field.Path == "/body/email" {
			return
		}
	}
	t.Fatalf("errors = %+v, want /body/email", apiErr.Errors)
}

func TestWhenTheCardIsDeclinedThen402PaymentDeclinedAndTheQuoteStaysPayable(t *testing.T) {
	shop, _ := shopper(t)
	must[*cart.Cart](t)(shop.Cart.AddItem(ctx, inStock(t, shop, 1)[0].Id, 1))
	quote := must[*cart.Quote](t)(shop.Quotes.Create(ctx, cart.QuoteInput{}))
	_, err := shop.Checkout.Create(ctx, quote.Id, disqo.Card("tok_chargeDeclined"))
	apiErr := apiError(t, err, disqo.ErrPaymentRequired, 402, "payment_declined")
	if apiErr.DeclineCode != "card_declined" || apiErr.TransactionID == "" {
		t.Fatalf("decline = %q, transaction = %q", apiErr.DeclineCode, apiErr.TransactionID)
	}
	if paid, err := shop.Checkout.Create(ctx, quote.Id, disqo.Card("tok_visa")); err != nil || paid.Order.Status != "paid" {
		t.Fatalf("second card: %v", err)
	}
}
