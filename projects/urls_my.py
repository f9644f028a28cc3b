app_name = "my-proposals"

urlpatterns = []
