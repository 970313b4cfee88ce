app_name = "identify"

urlpatterns: list = []
