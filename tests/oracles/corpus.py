r"""Formulas for the differential tests: real machine-learning math and systematic mutations.

``corpus()`` yields ``(tex, display)`` pairs: the base formulas as written in ML notes, then
mutations of each (a typo in a command, a dropped or extra brace, a missing \right or \end,
a double superscript, a dropped argument, a stray &), then formulas that only one renderer
accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

BASE = [
    r"-\sum_{i}^{} (p_i \log p_i)",
    r"-\sum_{i} p_i \log p_i",
    r"\sigma(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
    r"\mathbb{E}[x]",
    r"\mathbb{E}_{x \sim p}\left[ f(x) \right]",
    r"\hat{y} = \sigma(w^\top x + b)",
    r"L = -\frac{1}{N}\sum_{n=1}^{N} \left[ y_n \log \hat{y}_n + (1 - y_n)\log(1 - \hat{y}_n) \right]",  # noqa: E501
    r"\theta \leftarrow \theta - \eta \nabla_\theta L(\theta)",
    r"\operatorname{softmax}(x)_i = \frac{\exp(x_i)}{\sum_j \exp(x_j)}",
    r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{QK^T}{\sqrt{d_k}}\right)V",
    r"D_{\mathrm{KL}}(P \parallel Q) = \sum_x P(x) \log \frac{P(x)}{Q(x)}",
    r"\| w \|_2^2 = \sum_i w_i^2",
    r"\lVert x \rVert_1",
    r"\frac{\partial L}{\partial w} = \frac{\partial L}{\partial \hat{y}} \cdot \frac{\partial \hat{y}}{\partial w}",  # noqa: E501
    r"\mathcal{N}(\mu, \sigma^2)",
    r"p(x) = \frac{1}{\sqrt{2\pi\sigma^2}} \exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)",
    r"\text{ReLU}(x) = \max(0, x)",
    r"\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}",
    r"\mathrm{MSE} = \frac{1}{n}\sum_{i=1}^{n}(y_i - \hat{y}_i)^2",
    r"\mathrm{RMSE} = \sqrt{\frac{1}{n}\sum_{i=1}^{n}(y_i - \hat{y}_i)^2}",
    r"R^2 = 1 - \frac{SS_{res}}{SS_{tot}}",
    r"\text{precision} = \frac{TP}{TP + FP}",
    r"F_1 = 2 \cdot \frac{\text{precision} \cdot \text{recall}}{\text{precision} + \text{recall}}",
    r"\arg\min_{\theta} \sum_{i} \ell(f_\theta(x_i), y_i) + \lambda \|\theta\|^2",
    r"\operatorname*{arg\,max}_{y} P(y \mid x)",
    r"P(A \mid B) = \frac{P(B \mid A) P(A)}{P(B)}",
    r"H(X) = -\sum_{x \in \mathcal{X}} p(x) \log_2 p(x)",
    r"I(X; Y) = H(X) - H(X \mid Y)",
    r"\nabla_\theta J(\theta) = \mathbb{E}_{\pi_\theta}\left[\nabla_\theta \log \pi_\theta(a \mid s) Q(s, a)\right]",  # noqa: E501
    r"Q(s, a) \leftarrow Q(s, a) + \alpha \left[ r + \gamma \max_{a'} Q(s', a') - Q(s, a) \right]",
    r"V^\pi(s) = \mathbb{E}\left[\sum_{t=0}^{\infty} \gamma^t r_t \,\middle|\, s_0 = s\right]",
    r"h_t = \tanh(W_{hh} h_{t-1} + W_{xh} x_t + b_h)",
    r"f_t = \sigma(W_f \cdot [h_{t-1}, x_t] + b_f)",
    r"c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t",
    r"y = \gamma \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta",
    r"\mathrm{Dropout}(x) = \frac{m \odot x}{1 - p}, \quad m_i \sim \mathrm{Bernoulli}(1 - p)",
    r"K(x, x') = \exp\left(-\frac{\|x - x'\|^2}{2\ell^2}\right)",
    r"\min_{w, b} \frac{1}{2}\|w\|^2 \quad \text{s.t.} \quad y_i(w^\top x_i + b) \geq 1",
    r"\hat{\beta} = (X^\top X)^{-1} X^\top y",
    r"\Sigma = \frac{1}{n-1} \sum_{i=1}^{n} (x_i - \bar{x})(x_i - \bar{x})^\top",
    r"A = U \Sigma V^\top",
    r"\det(A - \lambda I) = 0",
    r"\mathrm{tr}(AB) = \mathrm{tr}(BA)",
    r"\log p(x) \geq \mathbb{E}_{q(z \mid x)}[\log p(x \mid z)] - D_{\mathrm{KL}}(q(z \mid x) \,\|\, p(z))",  # noqa: E501
    r"z = \mu + \sigma \odot \epsilon, \quad \epsilon \sim \mathcal{N}(0, I)",
    r"\min_G \max_D \; \mathbb{E}_{x}[\log D(x)] + \mathbb{E}_{z}[\log(1 - D(G(z)))]",
    r"\mathrm{PE}_{(pos, 2i)} = \sin\left(\frac{pos}{10000^{2i/d}}\right)",
    r"\mathrm{IDF}(t) = \log \frac{N}{1 + |\{d : t \in d\}|}",
    r"\cos(\theta) = \frac{a \cdot b}{\|a\| \|b\|}",
    r"\binom{n}{k} = \frac{n!}{k!(n-k)!}",
    r"\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e",
    r"\int_{-\infty}^{\infty} e^{-x^2} \, dx = \sqrt{\pi}",
    r"\prod_{i=1}^{n} p(x_i \mid \theta)",
    r"\ell(\theta) = \sum_{i=1}^{n} \log p(x_i \mid \theta)",
    r"w^{(t+1)} = w^{(t)} - \eta \, g^{(t)}",
    r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t",
    r"\hat{m}_t = \frac{m_t}{1 - \beta_1^t}",
    r"\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{\hat{v}_t} + \epsilon} \hat{m}_t",
    r"x^{*} = \arg\max_x f(x)",
    r"f(x) \approx f(a) + f'(a)(x - a)",
    r"f''(x) > 0",
    r"\frac{d}{dx} \sigma(x) = \sigma(x)(1 - \sigma(x))",
    r"\sum_{k=0}^{\infty} \frac{x^k}{k!}",
    r"a \in \mathbb{R}^{n \times m}",
    r"\{ x \in \mathbb{R} : x > 0 \}",
    r"\left\{ \frac{a}{b} \right\}",
    r"\left| x \right|",
    r"\left\langle u, v \right\rangle",
    r"\lfloor x \rfloor + \lceil y \rceil",
    r"\overline{x} = \frac{1}{n}\sum x_i",
    r"\underbrace{a + b}_{\text{sum}}",
    r"\overbrace{x_1 + \cdots + x_n}^{n}",
    r"\vec{v} \cdot \vec{w}",
    r"\mathbf{W} \mathbf{x} + \mathbf{b}",
    r"\boldsymbol{\theta}",
    r"\sqrt[3]{x}",
    r"e^{i\pi} + 1 = 0",
    r"x_{i,j}^{(k)}",
    r"{x^a}^b",
    r"x^{a^b}",
    r"a \equiv b \pmod{n}",
    r"\forall \epsilon > 0 \; \exists \delta > 0",
    r"\alpha, \beta, \gamma, \delta, \epsilon, \zeta, \eta, \theta",
    r"A \subseteq B \cup C",
    r"\neg (p \land q) \iff \neg p \lor \neg q",
    r"f: \mathbb{R}^n \to \mathbb{R}",
    r"x \mapsto x^2",
    r"\mathbb{P}(X = k) = \binom{n}{k} p^k (1-p)^{n-k}",
    r"\mathrm{Var}(X) = \mathbb{E}[X^2] - \mathbb{E}[X]^2",
    r"\mathrm{Cov}(X, Y) = \mathbb{E}[(X - \mu_X)(Y - \mu_Y)]",
    r"\rho = \frac{\mathrm{Cov}(X,Y)}{\sigma_X \sigma_Y}",
    r"\text{Gini} = 1 - \sum_{k} p_k^2",
    r"\hat{f}(x) = \sum_{m=1}^{M} \gamma_m h_m(x)",
    r"\mathrm{ELU}(x) = \begin{cases} x & x > 0 \\ \alpha(e^x - 1) & x \leq 0 \end{cases}",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}",
    r"\begin{vmatrix} a & b \\ c & d \end{vmatrix} = ad - bc",
    r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
    r"\begin{array}{cc} a & b \\ c & d \end{array}",
    r"\begin{matrix} x & y \end{matrix}",
    r"\color{red}{x} + y",
    r"\textcolor{blue}{x}",
    r"\cancel{x}",
    r"\boxed{E = mc^2}",
    r"\overset{?}{=}",
    r"\underset{x}{\arg\min}",
    r"\xrightarrow[below]{above}",
    r"\stackrel{def}{=}",
    r"\tfrac{1}{2} + \dfrac{3}{4}",
    r"\hat{y} = \mathbf{1}[w^\top x > 0]",
    r"\sum\limits_{i=1}^n x_i",
    r"\mathop{\mathrm{argmin}}\limits_x f(x)",
    r"a \quad b \qquad c \, d \; e \! f",
    r"x \% y",
    r"\$5",
    r"\{ a, b \}",
    r"\ldots \cdots \vdots \ddots",
    r"\infty \partial \nabla",
    r"\leq \geq \neq \approx \sim \propto",
    r"\times \div \pm \mp",
    r"\top \bot \perp",
    r"\mathcal{L}(\theta) = \mathcal{L}_{\text{data}} + \lambda \mathcal{L}_{\text{reg}}",
    r"\text{if } x > 0 \text{ then } y",
    r"\mathrm{sign}(x)",
    r"\phantom{x} \hphantom{y}",
    r"\displaystyle \sum_{i} x_i",
    r"\frac12",
    r"\frac a b",
    r"x'",
    r"x'^2",
    r"\widehat{abc} \widetilde{xyz}",
    r"\not\in",
    r"\notin \ni",
    r"\langle x, y \rangle",
    r"\big( \Big[ \bigg\{ \Bigg|",
    r"\bigl( x \bigr)",
    r"\left. \frac{df}{dx} \right|_{x=0}",
    r"\Pr(X > x)",
    r"\sup_{x} f(x) \inf_{y} g(y)",
    r"\lim\limits_{x \to 0} \frac{\sin x}{x} = 1",
    r"\dots",
    r"\mathfrak{g} \mathscr{L}",
    r"\newcommand{\E}{\mathbb{E}} \E[x]",
    r"\hbar \ell \imath",
    r"x \mathbin{\&} y",
    r"{}^{14}C",
    r"_2F_1",
    r"\sqrt{\sqrt{x}}",
    r"\frac{1}{1 + e^{-x}}",
]

DISPLAY = [
    r"\begin{align} a &= b \\ c &= d \end{align}",
    r"\begin{align*} f(x) &= x^2 \end{align*}",
    r"\begin{equation} E = mc^2 \end{equation}",
    r"\begin{gather} a \\ b \end{gather}",
    r"\begin{split} a &= b \\ &= c \end{split}",
]

# Edge cases a bank meets (valid and not), each checked inline and in display: delimiters
# inside a formula, accents, primes and newlines as scripts, # as an argument, math and % in
# text, definitions, \tag, nested environments, bare arguments, infix fractions.
EDGE = [
    r"\operatorname*{arg\,min}_{x} f(x)",
    r"\text{if $x > 0$ and $y_1^2$}",
    r"\text{if $x > 0}",
    r"\text{if $\frac{a}{b$}",
    r"\text{95% of } x",
    "\\frac{a % comment\n}{b}",
    r"{a % b}",
    r"\left. \frac{a}{b} \right|_{0}^{1}",
    r"x''^2 + x'''_1",
    r"x^'",
    r"x_\\ y",
    r"\frac#{1}{2}",
    r"\beta_#1",
    r"f\(x\)",
    r"\[ x \]",
    r"\'a + \^b",
    r"a \= b",
    r"x + \^",
    r"\sqrt\frac12",
    r"\hat\vec{x}",
    r"\frac\sqrt2 3",
    r"\mathbf\alpha",
    r"h_\tanh(x)",
    r"x^\sin",
    r"x_\max",
    r"x^\sum",
    r"a \over b \over c",
    r"{a \over b} \over c",
    r"a \cr b",
    r"\begin{matrix} a \cr b \end{matrix}",
    r"\sqrt",
    r"a = b \tag{1}",
    r"a \tag{1} \tag{2}",
    r"\begin{align} a \tag{1} \\ b \tag{2} \end{align}",
    r"\begin{aligned} a \tag{1} \end{aligned}",
    r"\begin{align} \begin{align} a \end{align} \end{align}",
    r"\begin{align} \begin{aligned} a &= b \end{aligned} \end{align}",
    r"\begin{equation} \begin{split} a &= b \\ &= c \end{split} \end{equation}",
    r"\newcommand{\E{\mathbb{E}} \E[x]",
    r"\newcommand{\E x}{y}",
    r"\newcommand{\E}[x]{y}",
    r"\newcommand{\f}[2][0]{#1 #2} \f{x} + \f[1]{y}",
    r"\newcommand{\E}{\mathbbb{E}} \E[x]",
    r"\newcommand{\a}{\b} \newcommand{\b}{x} \a",
    r"\newcommand{\E}) \E",
    r"\DeclareMathOperator{\Tr}{Tr} \Tr(A)",
    r"\gdef\E{x} \E",
    r"\providecommand{\E}{x} \E",
    r"\def\f#1{#1^2} \f{x}",
    r"\text{\ma}",
    r"\mathrm{a\ b}",
    r"\boldsymbol{\mu} + \mathcal{L} + \hat{\theta}",
    r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \\ \end{pmatrix}",
    r"\alpha + β, x ∈ ℝ",
]

# Formulas one renderer accepts and the other refuses.
SPLIT = [
    r"\bm{x}",
    r"\R^n",
    r"\argmax_x f(x)",
    r"\dfrac{a}{b} + \bm{w}",
    r"\text{a_b}",
    r"\text{\alpha}",
    r"a $ b",
    r"\newcommand{\R}{\mathbb{R}} \R",
    r"x^\sqrt{2}",
    r"\begin{eqnarray} a &=& b \end{eqnarray}",
    r"\begin{multline} a \\ b \end{multline}",
    r"\begin{dcases} a & b \end{dcases}",
    r"\begin{pmatrix*} a \end{pmatrix*}",
    r"\Set{x}",
    r"\eqref{eq1}",
    r"\begin{align} a &= b \end{align}",
]

_COMMAND_RE = re.compile(r"\\([a-zA-Z]{3,})")


def _mutations(tex: str) -> Iterator[str]:
    m = _COMMAND_RE.search(tex)
    if m:
        name = m.group(1)
        yield tex[: m.start(1)] + name[1] + name[0] + name[2:] + tex[m.end(1) :]
    if "}" in tex:
        i = tex.rfind("}")
        yield tex[:i] + tex[i + 1 :]
    yield tex + "}"
    yield "{" + tex
    if "\\right" in tex:
        yield tex.replace("\\right", "", 1)
    if "\\end{" in tex:
        yield re.sub(r"\\end\{[a-z*]+\}", "", tex, count=1)
    if "}{" in tex:
        i = tex.find("}{")
        j = tex.find("}", i + 2)
        if j > 0:
            yield tex[: i + 1] + tex[j + 1 :]
    yield tex + "^2^3"
    yield tex + "_a_b"
    yield tex + " & z"
    yield tex + " #"
    yield tex + "^"


def corpus() -> list[tuple[str, bool]]:
    """Every test formula with its display flag, without duplicates, in a stable order."""
    seen: set[tuple[str, bool]] = set()
    out: list[tuple[str, bool]] = []

    def add(tex: str, display: bool) -> None:
        if (tex, display) not in seen:
            seen.add((tex, display))
            out.append((tex, display))

    for tex in BASE:
        add(tex, False)
    for tex in DISPLAY:
        add(tex, True)
    for tex in SPLIT + EDGE:
        add(tex, False)
        add(tex, True)
    for tex in BASE[::2] + DISPLAY:
        for mutated in _mutations(tex):
            add(mutated, tex in DISPLAY)
    return out
