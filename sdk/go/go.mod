module github.com/disqo-commerce/sdk-go

go 1.23
