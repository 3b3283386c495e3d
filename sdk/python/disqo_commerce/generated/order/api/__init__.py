# flake8: noqa

# import apis into api package
from disqo_commerce.generated.order.api.admin_api import AdminApi
from disqo_commerce.generated.order.api.checkout_api import CheckoutApi
from disqo_commerce.generated.order.api.orders_api import OrdersApi
from disqo_commerce.generated.order.api.payments_api import PaymentsApi
from disqo_commerce.generated.order.api.receipts_api import ReceiptsApi

