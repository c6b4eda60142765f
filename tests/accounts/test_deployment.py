"""Deployment: `check --deploy` is clean with the documented settings, the demo
never shows a visitor a traceback or the list of URLs, the site has a favicon."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Jx9-QvR2mT8wYp1LzA7sBn4cHd6fGe0uIoPaSdFgHjKlZxCvBnM"


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIANGHUI_"))}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["LIANGHUI_HOME"] = extra.pop("LIANGHUI_HOME")
    return env | extra


def test_check_deploy_is_clean_with_debug_off_and_a_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lianghui", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=STRONG_KEY, LIANGHUI_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_debug_off_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lianghui", "check"],
        env=_env(DJANGO_DEBUG="0", LIANGHUI_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_the_demo_server_and_worker_run_with_debug_off(tmp_path):
    """scripts/serve (what `make run` starts) serves with DEBUG off, over plain HTTP,
    and gives the worker the same key, so links it signs open on the site."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "lianghui"
    record = tmp_path / "calls"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$1 debug=$DJANGO_DEBUG https=$LIANGHUI_HTTPS key=$DJANGO_SECRET_KEY" >> {record}\n'
        # The server stays up a moment, as a real one does: when it stops, the
        # script stops the worker, which may not have started yet.
        'if [ "$1" = runserver ]; then sleep 2; fi\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "serve")],
        env=_env(VENV=str(venv), LIANGHUI_HOME=str(tmp_path)),
        check=True,
        timeout=60,
    )
    calls = sorted(record.read_text().splitlines())
    assert [c.split()[0] for c in calls] == ["runserver", "worker"]
    assert all("debug=0" in c and "https=0" in c for c in calls)
    assert len({c.split("key=")[1] for c in calls}) == 1


def _boom(request):
    raise RuntimeError("SECRET_KEY=hunter2 in /srv/app/views.py")


urlpatterns = [
    path("boom/", _boom),
    path("ok/", lambda request: HttpResponse("ok")),
]


@pytest.mark.django_db
def test_a_server_error_shows_the_sites_page_without_code_or_settings(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Server error" in body and "服务器错误" in body
    for leak in ("Traceback", "hunter2", "views.py", "SECRET_KEY", "RuntimeError"):
        assert leak not in body


@pytest.mark.django_db
def test_an_unknown_address_does_not_list_the_urls(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "There is no page at this address" in body
    assert "URLconf" not in body and "api/v1/" not in body


@pytest.mark.django_db
def test_pages_carry_a_favicon_served_from_the_site(small_world, client):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page
    href = page.split('rel="icon" href="', 1)[1].split('"', 1)[0]
    assert href.startswith("/static/")
    icon = client.get(href)
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
