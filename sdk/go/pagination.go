package disqo

import (
	"context"
	"iter"
)

// Pager walks a cursor-paginated list: every page is asked for with the same parameters and
// the previous page's next_cursor. Nothing is sent until it is iterated.
type Pager[T any, P any] struct {
	ctx   context.Context
	fetch func(ctx context.Context, cursor string) (*P, error)
	items func(*P) []T
	next  func(*P) string
}

// FirstPage is the first page (P is the generated page model: Data, NextCursor, TotalCount...).
func (p *Pager[T, P]) FirstPage() (*P, error) {
	return p.fetch(p.ctx, "")
}

// Pages yields every page in order; it stops after the first error (yielded) or when the loop breaks.
func (p *Pager[T, P]) Pages() iter.Seq2[*P, error] {
	return func(yield func(*P, error) bool) {
		cursor := ""
		for {
			page, err := p.fetch(p.ctx, cursor)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) {
				return
			}
			if cursor = p.next(page); cursor == "" {
				return
			}
		}
	}
}

// All yields every item of every page; the next page is fetched when the loop gets there,
// and breaking out of the loop fetches nothing more. An error is yielded once, last.
func (p *Pager[T, P]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range p.Pages() {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range p.items(page) {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}
