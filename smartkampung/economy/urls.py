from django.urls import path

from . import views

app_name = "economy"

urlpatterns = [
    path("", views.home, name="home"),
    path("villages/<str:code>/", views.village_page, name="village"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_page, name="enterprise"),
    path("enterprises/<int:enterprise_id>/managers/", views.manager_add, name="manager_add"),
    path("enterprises/<int:enterprise_id>/capital/", views.capital_place, name="capital_place"),
    path("enterprises/<int:enterprise_id>/reports/", views.report_submit, name="report_submit"),
    path("reports/<int:report_id>/check/", views.report_check, name="report_check"),
    path("villages/<str:code>/businesses/", views.business_list, name="businesses"),
    path("businesses/<int:business_id>/", views.business_page, name="business"),
    path("businesses/<int:business_id>/decide/", views.business_decide, name="business_decide"),
    path("products/<int:product_id>/decide/", views.product_decide, name="product_decide"),
    path("market/", views.market_search, name="market_search"),
    path("market/<str:code>/", views.market_page, name="market"),
    path("market/photos/<int:product_id>.jpg", views.market_photo, name="market_photo"),
    path("overview/<str:code>/", views.overview_page, name="overview"),
    path("overview/<str:code>/bumdes.csv", views.overview_csv, name="overview_csv"),
]
