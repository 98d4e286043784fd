from django.contrib import admin

from reach.geo.models import Organisation, School, Unit, UnitYearAttribute


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "path"]
    search_fields = ["code", "name"]


admin.site.register(UnitYearAttribute)
admin.site.register(School)
admin.site.register(Organisation)
