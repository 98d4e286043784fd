from django.contrib import admin

from reach.geo.models import Organisation, School, Unit, UnitYearAttribute


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "path"]
    search_fields = ["code", "name"]


admin.site.register(UnitYearAttribute)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "ownership", "inclusive", "boarding"]
    list_filter = ["ownership", "inclusive"]
    search_fields = ["code", "name"]
    raw_id_fields = ["unit"]


admin.site.register(Organisation)
