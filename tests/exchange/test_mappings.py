import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianghui.laws.models import Regulation

pytestmark = pytest.mark.django_db

HEADER = "name,level,publish,valid_from,expired,tags,subtitle,category\n"


def test_laws_csv_imports_through_its_mapping(tmp_path):
    path = tmp_path / "laws.csv"
    path.write_text(
        HEADER + "个人信息保护法,法律,2021-08-20,2021-11-01,0,,,社会法\n"
        "某条例,行政法规,1990-01-01,,1,,2001年修订,行政法规\n",
        encoding="utf-8",
    )
    call_command("import", str(path), mapping="laws-prc", no_progress=True)
    pipl = Regulation.objects.get(title_zh="个人信息保护法")
    assert (pipl.kind, str(pipl.published_on), str(pipl.effective_on)) == (
        "law",
        "2021-08-20",
        "2021-11-01",
    )
    old = Regulation.objects.get(title_zh="某条例（2001年修订）")
    assert old.expired and old.effective_on is None and old.kind == "administrative_regulation"
    call_command("import", str(path), mapping="laws-prc", no_progress=True)
    assert Regulation.objects.count() == 2


def test_a_bad_row_names_its_line_and_writes_nothing(tmp_path):
    path = tmp_path / "laws.csv"
    path.write_text(
        HEADER + "甲法,法律,2021-08-20,2021-11-01,0,,,x\n乙法,法律,2021/08/20,,0,,,x\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"laws.csv:3: published_on: '2021/08/20' is not a date"):
        call_command("import", str(path), mapping="laws-prc", no_progress=True)
    assert not Regulation.objects.exists()
