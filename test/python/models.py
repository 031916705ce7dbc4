"""Small transformer models in torch.fx-traceable style, for the tests.

torch 1.13's symbolic_trace cannot trace `B, T, C = x.shape`, unpacking of
split(), torch.arange(T) with a traced T, math.sqrt of a traced size, or a
buffer sliced by a traced size (`buf[:T]` indexes a real tensor with a
Proxy). So these models use x.size(i), index split()'s result, derive
positions and the causal mask from ones_like (GPT-2) or slice the position table, a parameter
(BERT), and scale by `size ** -0.5`.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(d_model, 3 * d_model)
        self.c_proj = nn.Linear(d_model, d_model)
        self.attn_dropout = nn.Dropout(0.1)
        self.resid_dropout = nn.Dropout(0.1)

    def forward(self, x):
        B = x.size(0)
        T = x.size(1)
        C = x.size(2)
        parts = self.c_attn(x).split(C, dim=2)
        q = parts[0].view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = parts[1].view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = parts[2].view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (k.size(-1) ** -0.5)
        causal = torch.ones_like(att, dtype=torch.bool).tril()
        # `~`, not logical_not(): torch 1.13's ONNX export has no
        # aten::logical_not (bitwise_not of bool exports as Not).
        att = att.masked_fill(~causal, float("-inf"))
        att = F.softmax(att, dim=-1)
        att = self.attn_dropout(att)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class GPT2MLP(nn.Module):
    def __init__(self, d_model):
        super().__init__()
        self.c_fc = nn.Linear(d_model, 4 * d_model)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * d_model, d_model)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class GPT2Block(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_head)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = GPT2MLP(d_model)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2(nn.Module):
    """A GPT-2-style decoder: token + position embeddings, pre-norm blocks
    with causal attention and a tanh-GELU MLP, final norm, LM head."""

    def __init__(self, vocab=512, d_model=256, n_head=4, n_layer=2,
                 max_len=128):
        super().__init__()
        self.wte = nn.Embedding(vocab, d_model)
        self.wpe = nn.Embedding(max_len, d_model)
        self.drop = nn.Dropout(0.1)
        self.h = nn.ModuleList(
            [GPT2Block(d_model, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab, bias=False)

    def forward(self, idx):
        # Positions 0..T-1 from the input (torch.arange(T) does not trace).
        positions = torch.ones_like(idx).cumsum(dim=1) - 1
        x = self.drop(self.wte(idx) + self.wpe(positions))
        for block in self.h:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class BertSelfAttention(nn.Module):
    def __init__(self, d_model, n_head):
        super().__init__()
        self.n_head = n_head
        self.head_size = d_model // n_head
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.dropout = nn.Dropout(0.1)

    def heads(self, x):
        x = x.view(x.size(0), x.size(1), self.n_head, self.head_size)
        return x.permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q = self.heads(self.query(x))
        k = self.heads(self.key(x))
        v = self.heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / (self.head_size ** 0.5)
        probs = self.dropout(torch.softmax(scores + mask, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size(0), ctx.size(1), self.n_head * self.head_size)


class BertLayer(nn.Module):
    def __init__(self, d_model, n_head, d_ff):
        super().__init__()
        self.attention = BertSelfAttention(d_model, n_head)
        self.attn_out = nn.Linear(d_model, d_model)
        self.attn_norm = nn.LayerNorm(d_model, eps=1e-12)
        self.intermediate = nn.Linear(d_model, d_ff)
        self.output = nn.Linear(d_ff, d_model)
        self.out_norm = nn.LayerNorm(d_model, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, mask):
        a = self.attn_norm(x + self.dropout(self.attn_out(self.attention(x, mask))))
        h = F.gelu(self.intermediate(a))
        return self.out_norm(a + self.dropout(self.output(h)))


class Bert(nn.Module):
    """A BERT-style encoder: word + position + token-type embeddings,
    post-norm layers with a padding mask and an erf-GELU MLP, a pooler."""

    def __init__(self, vocab=512, d_model=256, n_head=4, n_layer=2,
                 max_len=128, type_vocab=2):
        super().__init__()
        self.word = nn.Embedding(vocab, d_model)
        self.position = nn.Embedding(max_len, d_model)
        self.token_type = nn.Embedding(type_vocab, d_model)
        self.emb_norm = nn.LayerNorm(d_model, eps=1e-12)
        self.emb_dropout = nn.Dropout(0.1)
        self.layers = nn.ModuleList(
            [BertLayer(d_model, n_head, 4 * d_model) for _ in range(n_layer)])
        self.pooler = nn.Linear(d_model, d_model)

    def forward(self, input_ids, attention_mask, token_type_ids):
        T = input_ids.size(1)
        x = (self.word(input_ids) + self.position.weight[:T]
             + self.token_type(token_type_ids))
        x = self.emb_dropout(self.emb_norm(x))
        # [B, T] of 0/1 (int64) -> an additive [B, 1, 1, T] mask.
        mask = (1.0 - attention_mask[:, None, None, :]) * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return x, pooled


def gpt2_inputs(batch=1, seq=32, vocab=512, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randint(0, vocab, (batch, seq), generator=g),)


def bert_inputs(batch=2, seq=32, vocab=512, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, vocab, (batch, seq), generator=g)
    mask = torch.ones(batch, seq, dtype=torch.int64)
    mask[-1, seq - 7:] = 0  # the last sequence is padded
    types = torch.zeros(batch, seq, dtype=torch.int64)
    types[:, seq // 2:] = 1
    return ids, mask, types
