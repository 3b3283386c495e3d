# flake8: noqa

# import apis into api package
from disqo_commerce.generated.auth.api.auth_api import AuthApi
from disqo_commerce.generated.auth.api.keys_api import KeysApi
from disqo_commerce.generated.auth.api.legacy_api import LegacyApi
from disqo_commerce.generated.auth.api.users_api import UsersApi

