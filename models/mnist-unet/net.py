"""The Image EM lab's U-Net (src/engines/tfjs/unet.ts) in PyTorch, op for op, NCHW:

  x [N,1,28,28] in model space (x = 2p − 1) → c_in·x → 2×2 pixel-unshuffle → [N, 4, 14, 14]
  level 0 (14×14, C0): Conv3×3(4 → C0), `blocks` × ResBlock(C0)                       → skip
  level 1 (7×7, C1):   2×2 unshuffle + 1×1 conv (4·C0 → C1) → LayerNorm, `blocks` × ResBlock(C1) (descent),
                       `blocks` × ResBlock(C1) (ascent)
  up:                  LayerNorm → 1×1 conv (C1 → 4·C0) + 2×2 pixel-shuffle
  level 0 (ascent):    concat(x, skip) → Conv3×3(2·C0 → C0), `blocks` × ResBlock(C0), 1×1 conv (C0 → 4), shuffle
  D = c_skip·x + c_out·F,  c_skip = 1/(σ²+1), c_out = σ/√(σ²+1), c_in = 1/√(σ²+1)  (algorithms.md §1.2, σ_data = 1)
  embedding of c_noise = ln σ: freqs 1e-4^linspace(0, 1, E/2), [sin, cos]  (§1.3; unet.ts uses mlp.ts `embedding`)

The unshuffle channel order is unet.ts's (di, dj, c): channel = di·2C + dj·C + c. tfjs "linear" layers on
[B·H·W, C] are 1×1 convs here. `to_tfjs_weights` writes the parameters in unet.ts's names and layouts
(conv [3,3,ci,co], linear [in,out]) so the tfjs network can load them (importUnet); the test
test/models/mnistUnet.test.ts checks that both give the same D(x, σ).
Init as unet.ts: weights U(±1/√fan_in), biases 0, each modulation's last layer ×0.1.
"""
import math

import torch
import torch.nn as nn

SIDE = 28


def silu(x):
    return x * torch.sigmoid(x)


def layer_norm_c(x, eps=1e-5):
    mu = x.mean(dim=1, keepdim=True)
    xc = x - mu
    var = (xc * xc).mean(dim=1, keepdim=True)
    return xc / torch.sqrt(var + eps)


def unshuffle(x, C, S):
    """[N, C, 2S, 2S] → [N, 4C, S, S], channel order (di, dj, c) as unet.ts."""
    return x.reshape(-1, C, S, 2, S, 2).permute(0, 3, 5, 1, 2, 4).reshape(-1, 4 * C, S, S)


def shuffle(x, C, S):
    """Inverse of unshuffle: [N, 4C, S, S] → [N, C, 2S, 2S]."""
    return x.reshape(-1, 2, 2, C, S, S).permute(0, 3, 4, 1, 5, 2).reshape(-1, C, 2 * S, 2 * S)


def _uniform(t, fan_in, scale=1.0):
    b = scale / math.sqrt(fan_in)
    nn.init.uniform_(t, -b, b)


def conv(cin, cout, k):
    c = nn.Conv2d(cin, cout, k, padding=k // 2)
    _uniform(c.weight, k * k * cin)
    nn.init.zeros_(c.bias)
    return c


def linear(cin, cout, scale=1.0):
    l = nn.Linear(cin, cout)
    _uniform(l.weight, cin, scale)
    nn.init.zeros_(l.bias)
    return l


class ResBlock(nn.Module):
    def __init__(self, ch, emb):
        super().__init__()
        self.ch = ch
        self.m1 = linear(emb, emb)
        self.m2 = linear(emb, 3 * ch, 0.1)
        self.conv1 = conv(ch, ch, 3)
        self.conv2 = conv(ch, ch, 3)

    def forward(self, h, e):
        m = self.m2(silu(self.m1(e)))
        C = self.ch
        a = m[:, :C].reshape(-1, C, 1, 1)
        b = m[:, C:2 * C].reshape(-1, C, 1, 1)
        c = m[:, 2 * C:].reshape(-1, C, 1, 1)
        y = layer_norm_c((a + 1) * h + b)
        y = silu(self.conv1(y))
        y = self.conv2(y)
        return (h + c * y) / torch.sqrt(c * c + 1)


class MnistUnet(nn.Module):
    def __init__(self, in_ch=1, size=SIDE, channels=(16, 32), blocks=1, emb=32):
        super().__init__()
        assert in_ch == 1 and size == SIDE, "the EM lab's U-Net is for 1×28×28 digits"
        c0, c1 = channels
        self.in_ch, self.size, self.c0, self.c1, self.blocks, self.emb = in_ch, size, c0, c1, blocks, emb
        self.register_buffer("freqs", (1e-4) ** torch.linspace(0, 1, emb // 2), persistent=False)
        self.register_buffer("one", torch.ones(1, 1, 1, 1), persistent=False)  # 1/v exports as Div
        self.inc = conv(4, c0, 3)
        self.d0 = nn.ModuleList([ResBlock(c0, emb) for _ in range(blocks)])
        self.down = conv(4 * c0, c1, 1)
        self.d1 = nn.ModuleList([ResBlock(c1, emb) for _ in range(blocks)])
        self.u1 = nn.ModuleList([ResBlock(c1, emb) for _ in range(blocks)])
        self.up = conv(c1, 4 * c0, 1)
        self.cat = conv(2 * c0, c0, 3)
        self.u0 = nn.ModuleList([ResBlock(c0, emb) for _ in range(blocks)])
        self.out = conv(c0, 4, 1)

    def embed(self, c_noise):
        ang = c_noise.reshape(-1, 1) * self.freqs.reshape(1, -1)
        return torch.cat([torch.sin(ang), torch.cos(ang)], dim=1)

    def forward(self, x, sigma):
        s = sigma.reshape(-1, 1, 1, 1)
        s2p1 = s * s + 1
        c_in = self.one / torch.sqrt(s2p1)
        c_skip = self.one / s2p1
        c_out = s * c_in
        e = self.embed(torch.log(sigma))
        h = unshuffle(c_in * x, 1, 14)
        h = self.inc(h)
        for blk in self.d0:
            h = blk(h, e)
        skip = h
        h = layer_norm_c(self.down(unshuffle(h, self.c0, 7)))
        for blk in self.d1:
            h = blk(h, e)
        for blk in self.u1:
            h = blk(h, e)
        h = shuffle(self.up(layer_norm_c(h)), self.c0, 7)
        h = self.cat(torch.cat([h, skip], dim=1))
        for blk in self.u0:
            h = blk(h, e)
        f = shuffle(self.out(h), 1, 14)
        return c_skip * x + c_out * f


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def to_tfjs_weights(model):
    """{config, names, shapes, data} in unet.ts's parameterShapes order and layouts (UnetWeights, data as lists)."""
    names, shapes, data = [], [], []

    def put(name, t):
        t = t.detach().float().contiguous()
        names.append(name)
        shapes.append(list(t.shape))
        data.append([float(v) for v in t.reshape(-1).tolist()])

    def conv3(name, c):
        put(f"{name}.w", c.weight.permute(2, 3, 1, 0))  # [co,ci,3,3] → [3,3,ci,co]
        put(f"{name}.b", c.bias)

    def lin(name, l):  # nn.Linear [out,in] or 1×1 conv [co,ci,1,1] → [in,out]
        w = l.weight
        put(f"{name}.w", (w[:, :, 0, 0] if w.dim() == 4 else w).t())
        put(f"{name}.b", l.bias)

    def res(p, blk):
        lin(f"{p}.m1", blk.m1)
        lin(f"{p}.m2", blk.m2)
        conv3(f"{p}.conv1", blk.conv1)
        conv3(f"{p}.conv2", blk.conv2)

    conv3("in", model.inc)
    for k, blk in enumerate(model.d0):
        res(f"d0.{k}", blk)
    lin("down", model.down)
    for k, blk in enumerate(model.d1):
        res(f"d1.{k}", blk)
    for k, blk in enumerate(model.u1):
        res(f"u1.{k}", blk)
    lin("up", model.up)
    conv3("cat", model.cat)
    for k, blk in enumerate(model.u0):
        res(f"u0.{k}", blk)
    lin("out", model.out)
    cfg = {"channels": [model.c0, model.c1], "blocks": model.blocks, "embedding": model.emb}
    return {"config": cfg, "names": names, "shapes": shapes, "data": data}


class ShippedDenoiser(MnistUnet):
    """The shipped graph's contract, shared with models/cifar10-unet and models/mri-unet: x in [−2, 2]
    (x_ext = 4p − 2 = 2x) and σ in those units (σ_ext = 2σ). D_ext(x_ext, σ_ext) = 2·D(x_ext/2, σ_ext/2) is the
    same denoiser expressed in the other unit (exact: E[2x | 2x + 2σz] = 2·E[x | x + σz]). Same parameters."""

    def forward(self, x, sigma):
        return 2.0 * super().forward(0.5 * x, 0.5 * sigma)
