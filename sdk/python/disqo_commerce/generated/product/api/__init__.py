# flake8: noqa

# import apis into api package
from disqo_commerce.generated.product.api.inventory_api import InventoryApi
from disqo_commerce.generated.product.api.legacy_api import LegacyApi
from disqo_commerce.generated.product.api.products_api import ProductsApi

