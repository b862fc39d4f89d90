"""On a zh page the publishing form says what went wrong in Chinese (issues 16 and 20):
reader errors, limits, refused forms and the join report's reasons, never English prose."""

from __future__ import annotations

import io
import re

import pytest

from tests.test_language import wrong_script
from webmap import create_app

BAD_FILES = [
    ("empty.csv", b"", 400),
    ("binary.csv", b"\x00\x01\x02\x03 not text", 400),
    ("header.csv", "城市,医生\n".encode(), 400),
    ("values.csv", b"1,2\n3,4\n", 400),
    ("repeated.csv", "城市,医生,医生\n北京市,1,2\n".encode(), 400),
    ("wide.csv", (",".join(f"c{i}" for i in range(70)) + "\n" + "1," * 69 + "1\n").encode(), 413),
]


@pytest.fixture()
def client(store_dir):
    url = f"sqlite:///{store_dir / 'zh-messages.sqlite3'}"
    return create_app({"TESTING": True, "DATABASE_URL": url}).test_client()


def form_error(html: str) -> str:
    found = re.search(r'<p class="form-error" id="form-error" role="alert">(.*?)</p>', html, re.S)
    assert found, "no error shown"
    return found.group(1)


def post_form(client, filename: str, data: bytes, lang: str, csrf: bool = True):
    page = client.get(f"/datasets/new?lang={lang}").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1) if csrf else "stale"
    return client.post(
        f"/datasets/new?lang={lang}",
        data={"csrf": token, "lang": lang, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(("filename", "data", "status"), BAD_FILES)
def test_reader_and_limit_errors_are_chinese_on_zh_pages(client, filename, data, status):
    answer = post_form(client, filename, data, "zh")
    assert answer.status_code == status
    message = form_error(answer.get_data(as_text=True))
    assert re.search(r"[\u4e00-\u9fff]", message) and wrong_script(message, "zh") == []
    english = form_error(post_form(client, filename, data, "en").get_data(as_text=True))
    assert not re.search(r"[\u4e00-\u9fff]{2}", english.replace("城市", "").replace("医生", ""))


def test_a_stale_form_is_refused_in_chinese(client):
    answer = post_form(client, "t.csv", "城市,医生\n北京市,1\n".encode(), "zh", csrf=False)
    assert answer.status_code == 403
    assert "重新加载" in form_error(answer.get_data(as_text=True))


def test_join_report_reasons_are_chinese_on_zh_pages(client):
    table = "城市,医生\n北京x市,1\n天津市,2\n石家庄市,3\n".encode()
    html = post_form(client, "t.csv", table, "zh").get_data(as_text=True)
    assert "名称未匹配到任何单位" in html and "name matches no unit" not in html
    html = post_form(client, "t.csv", table, "en").get_data(as_text=True)
    assert "name matches no unit" in html
