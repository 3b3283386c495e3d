module example.com/disqo-integration

go 1.23

require github.com/disqo-commerce/sdk-go v0.1.0

// The SDK from this checkout, as an integrator's module would use an unpublished copy.
replace github.com/disqo-commerce/sdk-go => ../
