"""Names and accounts in the structured values of a free text (classification.structured_values,
through classification.free_text): JSON members and XML elements (review r18e HIGH 13)."""

from __future__ import annotations

import pytest

from govsoc.classification.free_text import mask_free_text


@pytest.mark.parametrize(("text", "hidden", "shown"), [
    # a JSON body: a name, an account, a user, a Chinese key for the contact
    ('{"name":"张三","account":"zhangsan","user":"lisi","联系人":"王芳"}', ["张三", "zhangsan", "lisi", "王芳"],
     ['"name":"张**"', '"account":"z***"', '"user":"l***"', '"联系人":"王**"']),
    # blanks around ':', a camelCase key naming the name, a compound surname deep in an object
    ('{"realName": "李四", "data": {"applicant": {"name": "欧阳明"}}}', ["李四", "欧阳明"], ['"realName": "李**"']),
    # JSON escaped inside a JSON string (a message field quoting a body)
    ('{"msg":"body={\\"userName\\":\\"wangwu\\",\\"name\\":\\"赵敏\\"}"}', ["wangwu", "赵敏"],
     ['\\"userName\\":\\"w***\\"']),
    # XML elements, one with attributes, a Chinese element name
    ('<req><name type="cn">张三</name><account>zhangsan</account><联系人>王芳</联系人></req>',
     ["张三", "zhangsan", "王芳"], ["<account>z***</account>", "<联系人>王**</联系人>"]),
    # an account beside a password: both masked, each by its own rule
    ('{"password":"S3cret!","login":"admin"}', ["S3cret!", '"admin"'], ['"password":"***"', '"login":"a***"']),
])
def test_names_and_accounts_in_json_and_xml_are_masked(text: str, hidden: list[str], shown: list[str]) -> None:
    out = mask_free_text(text)
    assert not [v for v in hidden if v in out] and all(v in out for v in shown), out


@pytest.mark.parametrize("text", [
    # a name that is no person's (a service, a file), a user that is an object, an empty value
    '{"name":"web-server","file":{"name":"report.pdf"},"user":{"id":3},"account":""}',
    # numbers and words under keys that name no person
    '<count>3</count><status>ok</status>{"level":"high","title":"张家界旅游"}',
])
def test_structured_values_that_name_no_one_stay(text: str) -> None:
    assert mask_free_text(text) == text
