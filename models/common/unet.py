"""Small U-Net denoiser after docs/algorithms.md §1 and §8.3, written so that it exports to
plain ONNX ops (Conv, Gemm/MatMul, Add, Mul, Sub, Div, Sqrt, Sigmoid, Softmax, Concat, Reshape,
Transpose, Resize, ReduceMean, Sin, Cos, Log) with a dynamic batch axis.

Layout is NCHW. LayerNorm is over the channel axis without affine parameters (eps 1e-5), written
out by hand so that it exports as ReduceMean/Sub/Mul/Add/Sqrt/Div. SiLU is written x*sigmoid(x).
All reshapes use -1 for the batch axis and constant sizes otherwise (no Shape/Gather in the graph).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SIGMA_MIN = 1e-3
SIGMA_MAX = 1e2


def silu(x):
    return x * torch.sigmoid(x)


def layer_norm_c(x, eps=1e-5):
    mu = x.mean(dim=1, keepdim=True)
    xc = x - mu
    var = (xc * xc).mean(dim=1, keepdim=True)
    return xc / torch.sqrt(var + eps)


def sigma_of_t(t, a=SIGMA_MIN, b=SIGMA_MAX):
    return torch.exp(math.log(a) + (math.log(b) - math.log(a)) * t)


class Modulation(nn.Module):
    """(a, b, c) = split3(Linear(E->3C)(SiLU(Linear(E->E)(e)))), last weight x0.1 at init."""

    def __init__(self, emb, ch):
        super().__init__()
        self.l1 = nn.Linear(emb, emb)
        self.l2 = nn.Linear(emb, 3 * ch)
        with torch.no_grad():
            self.l2.weight.mul_(0.1)
            self.l2.bias.zero_()
        self.ch = ch

    def forward(self, e):
        m = self.l2(silu(self.l1(e)))
        a = m[:, : self.ch].reshape(-1, self.ch, 1, 1)
        b = m[:, self.ch : 2 * self.ch].reshape(-1, self.ch, 1, 1)
        c = m[:, 2 * self.ch :].reshape(-1, self.ch, 1, 1)
        return a, b, c


def conv3(cin, cout, stride=1):
    c = nn.Conv2d(cin, cout, 3, stride=stride, padding=1)
    nn.init.uniform_(c.weight, -1 / math.sqrt(9 * cin), 1 / math.sqrt(9 * cin))
    nn.init.zeros_(c.bias)
    return c


class ResBlock(nn.Module):
    def __init__(self, ch, emb, dropout=0.0):
        super().__init__()
        self.mod = Modulation(emb, ch)
        self.c1 = conv3(ch, ch)
        self.c2 = conv3(ch, ch)
        self.drop = nn.Dropout(dropout) if dropout > 0 else None

    def forward(self, x, e):
        a, b, c = self.mod(e)
        y = (a + 1) * x + b
        y = layer_norm_c(y)
        y = silu(self.c1(y))
        if self.drop is not None:
            y = self.drop(y)
        y = self.c2(y)
        return (x + c * y) / torch.sqrt(1 + c * c)


class AttBlock(nn.Module):
    def __init__(self, ch, emb, heads, hw):
        super().__init__()
        self.mod = Modulation(emb, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.out = nn.Linear(ch, ch, bias=False)
        self.ch, self.heads, self.hw = ch, heads, hw
        self.d = ch // heads

    def forward(self, x, e):
        a, b, c = self.mod(e)
        C, h, d, (H, W) = self.ch, self.heads, self.d, self.hw
        y = layer_norm_c((a + 1) * x + b)
        y = y.reshape(-1, C, H * W).transpose(1, 2)  # N, T, C
        qkv = self.qkv(y).reshape(-1, H * W, 3 * h, d).transpose(1, 2)  # N, 3h, T, d
        q, k, v = qkv[:, :h], qkv[:, h : 2 * h], qkv[:, 2 * h :]
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(d)), dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(-1, H * W, C)  # N, T, C
        y = self.out(y).transpose(1, 2).reshape(-1, C, H, W)
        return (x + c * y) / torch.sqrt(1 + c * c)


class UNet(nn.Module):
    def __init__(self, in_ch, out_ch, size, channels=(32, 64, 128), blocks=(2, 2, 2), att_levels=(2,),
                 heads=4, emb=128, dropout=0.0):
        super().__init__()
        self.emb = emb
        self.register_buffer("freqs", (1e-4) ** torch.linspace(0, 1, emb // 2), persistent=False)
        L = len(channels)
        self.entry = nn.ModuleList()
        self.down = nn.ModuleList()
        self.up = nn.ModuleList()
        self.merge = nn.ModuleList()
        for i, C in enumerate(channels):
            s = size // (2 ** i)
            self.entry.append(conv3(in_ch, C) if i == 0 else conv3(channels[i - 1], C, stride=2))
            blk = []
            for _ in range(blocks[i]):
                blk.append(ResBlock(C, emb, dropout))
                if i in att_levels:
                    blk.append(AttBlock(C, emb, heads, (s, s)))
            self.down.append(nn.ModuleList(blk))
            blk = []
            for _ in range(blocks[i]):
                blk.append(ResBlock(C, emb, dropout))
                if i in att_levels:
                    blk.append(AttBlock(C, emb, heads, (s, s)))
            self.up.append(nn.ModuleList(blk))
            self.merge.append(conv3(channels[i + 1] + C, C) if i < L - 1 else nn.Identity())
        self.exit = nn.Conv2d(channels[0], out_ch, 1)
        nn.init.zeros_(self.exit.weight)
        nn.init.zeros_(self.exit.bias)

    def embed(self, c_noise):  # c_noise [N]
        ang = c_noise.reshape(-1, 1) * self.freqs.reshape(1, -1)
        return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)

    def forward(self, x, c_noise):
        e = self.embed(c_noise)
        skips = []
        L = len(self.entry)
        for i in range(L):
            x = self.entry[i](x)
            if i > 0:
                x = layer_norm_c(x)
            for blk in self.down[i]:
                x = blk(x, e)
            skips.append(x)
        for i in reversed(range(L)):
            s = skips.pop()
            if i < L - 1:
                x = self.merge[i](torch.cat([x, s], dim=1))
            for blk in self.up[i]:
                x = blk(x, e)
            if i > 0:
                x = F.interpolate(layer_norm_c(x), scale_factor=2.0, mode="nearest")
        return self.exit(x)


class Denoiser(nn.Module):
    """D(x, σ) = c_skip x + c_out F(c_in x, ln σ) with σ_data = 1 (docs/algorithms.md §1.2).

    `unshuffle` > 1 wraps F in a pixel-unshuffle / shuffle (as the paper's FlatUNet does for MRI)."""

    def __init__(self, in_ch, size, unshuffle=1, **kw):
        super().__init__()
        self.in_ch, self.size, self.r = in_ch, size, unshuffle
        r = unshuffle
        self.net = UNet(in_ch * r * r, in_ch * r * r, size // r, **kw)
        # a tensor 1 so that 1/v exports as Div (not Reciprocal)
        self.register_buffer("one", torch.ones(1, 1, 1, 1), persistent=False)

    def _unshuffle(self, x):
        r, C, S = self.r, self.in_ch, self.size // self.r
        x = x.reshape(-1, C, S, r, S, r).permute(0, 1, 3, 5, 2, 4)
        return x.reshape(-1, C * r * r, S, S)

    def _shuffle(self, x):
        r, C, S = self.r, self.in_ch, self.size // self.r
        x = x.reshape(-1, C, r, r, S, S).permute(0, 1, 4, 2, 5, 3)
        return x.reshape(-1, C, S * r, S * r)

    def forward(self, x, sigma):
        s = sigma.reshape(-1, 1, 1, 1)
        s2p1 = s * s + 1
        c_skip = self.one / s2p1
        c_in = self.one / torch.sqrt(s2p1)
        c_out = s * c_in
        h = c_in * x
        if self.r > 1:
            h = self._unshuffle(h)
        f = self.net(h, torch.log(sigma))
        if self.r > 1:
            f = self._shuffle(f)
        return c_skip * x + c_out * f


def n_params(m):
    return sum(p.numel() for p in m.parameters())
