app_name = "my"

urlpatterns = []
