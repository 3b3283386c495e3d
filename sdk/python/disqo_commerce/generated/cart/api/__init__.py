# flake8: noqa

# import apis into api package
from disqo_commerce.generated.cart.api.cart_api import CartApi
from disqo_commerce.generated.cart.api.promo_codes_api import PromoCodesApi
from disqo_commerce.generated.cart.api.quotes_api import QuotesApi

