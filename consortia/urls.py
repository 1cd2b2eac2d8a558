app_name = "consortia"

urlpatterns: list = []
