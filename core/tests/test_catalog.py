import pytest

from core.models import CatalogItem


@pytest.mark.django_db
def test_the_2022_catalogue_is_loaded_with_its_tree():
    assert CatalogItem.objects.count() == 4272
    desktop = CatalogItem.objects.get(code="A02010105")
    assert desktop.name == "台式计算机"
    assert desktop.parent.code == "A02010100"
    assert set(CatalogItem.objects.filter(level=0).values_list("code", flat=True)) == {
        "A", "B", "C"}
