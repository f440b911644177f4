"""`load_model`, `RecurrentNetwork.run` and the recurrent agents' results are typed (issue 18)."""

import textwrap

import numpy as np
import pytest

import hebbian_brain as hb
from hebbian_brain.rnn import PlasticRNN, RecurrentNetwork

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import hebbian_brain as hb
    from hebbian_brain.rnn import NodePerturbationAgent, RecurrentNetwork

    net = RecurrentNetwork(2, 8, 1, seed=0)
    reveal_type(net.run(np.zeros((5, 2))))
    reveal_type(net.run(np.zeros((5, 2)), return_states=True))
    reveal_type(net.run(np.zeros((5, 2)), return_states="currents"))
    reveal_type(hb.load_model("net.hb"))
    reveal_type(hb.load_model("net.hb", RecurrentNetwork))

    def parameters(agent: NodePerturbationAgent) -> None:
        reveal_type(agent.get_parameters())
    """
)


def test_a_user_script_sees_precise_types_under_mypy_strict(tmp_path):
    api = pytest.importorskip("mypy.api", reason="mypy is not installed (dev extra)")
    script = tmp_path / "user.py"
    script.write_text(SCRIPT)
    out, err, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(script)]
    )
    assert status == 0 and "error" not in out, out + err
    revealed = [
        x.split("Revealed type is ")[1].replace("builtins.", "")
        for x in out.splitlines()
        if "Revealed" in x
    ]
    array = "numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.float64]]"
    assert revealed[0] == f'"{array}"'
    assert revealed[1] == revealed[2] == f'"tuple[{array}, {array}]"'
    assert revealed[3] == '"object"'
    assert revealed[4] == '"hebbian_brain._core.RecurrentNetwork"'
    assert revealed[5] == f'"dict[str, dict[str, {array}]]"'


def test_load_model_checks_the_class_it_is_asked_for(tmp_path):
    net = RecurrentNetwork(2, 8, 1, seed=0)
    hb.save_model(net, tmp_path / "net.hb")
    back = hb.load_model(tmp_path / "net.hb", RecurrentNetwork)
    np.testing.assert_array_equal(back.weights, net.weights)
    with pytest.raises(TypeError, match="holds a RecurrentNetwork, not a PlasticRNN"):
        hb.load_model(tmp_path / "net.hb", PlasticRNN)
    with pytest.raises(TypeError, match="cls must be a class"):
        hb.load_model(tmp_path / "net.hb", "RecurrentNetwork")  # type: ignore[call-overload]
