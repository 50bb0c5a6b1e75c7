"""Unbound extensions; create_app() binds them."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from mediation.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Storage from RATELIMIT_STORAGE_URI: memory:// for one process, Redis (REDIS_URL)
# when several workers must share the counts. The client address comes from
# X-Forwarded-For only when MEDIATION_PROXY_COUNT says how many proxies set it.
limiter = Limiter(key_func=get_remote_address)
