"""Home: what a GAN is, in the lecture's order, with a link to the page that shows each part."""

from __future__ import annotations

import streamlit as st

from gan_core.config import TrainConfig

from ui import cache, failure_charts, nav, pictures, wording
from ui.i18n import t


def teaser() -> None:
    """Real digits beside samples of the full-covariance Gaussian: the problem the lecture solves."""
    left, right = st.columns(2)
    with left:
        pictures.show(cache.data_grid("real", "mnist-5k", 8, 3, 8, 560), caption=t("home_teaser_real"))
    with right:
        pictures.show(cache.data_grid("gaussian-full", "mnist-5k", 8, 3, 8, 560), caption=t("home_teaser_gauss"))


@wording.shows_user_errors
def render() -> None:
    st.title(t("home_title"))
    st.markdown(t("home_intro"))
    teaser()

    st.header(t("home_gauss_h"))
    st.markdown(t("home_gauss_1"))
    st.latex(r"x \sim \mathcal{N}(\mu, \Sigma), \qquad \mu = \frac{1}{N}\sum_{i=1}^{N} x_i, \qquad "
             r"\Sigma = \frac{1}{N-1}\sum_{i=1}^{N} (x_i - \mu)(x_i - \mu)^\top")
    st.markdown(t("home_gauss_2"))
    nav.link("data")

    st.header(t("home_players_h"))
    generator, discriminator = st.columns(2)
    with generator:
        st.subheader(t("home_g_h"))
        st.markdown(t("home_g", latent=TrainConfig().latent_dim))
    with discriminator:
        st.subheader(t("home_d_h"))
        st.markdown(t("home_d"))

    st.header(t("home_game_h"))
    st.markdown(t("home_game_1"))
    st.latex(r"\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{\text{data}}}\big[\log D(x)\big]"
             r" + \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big]")
    st.markdown(t("home_game_2"))
    st.latex(r"D^*_G(x) = \frac{p_{\text{data}}(x)}{p_{\text{data}}(x) + p_g(x)}")
    st.markdown(t("home_game_3"))
    st.latex(r"V(D^*_G, G) = -\log 4 + 2\,\mathrm{JSD}\big(p_{\text{data}} \,\|\, p_g\big)")
    st.markdown(t("home_game_4"))
    st.latex(r"\mathcal{L}_G = -\,\mathbb{E}_{z \sim p_z}\big[\log D(G(z))\big]")

    st.header(t("home_loop_h"))
    st.markdown(t("home_loop"))
    st.code(t("home_loop_code"), language="python")
    nav.link("train")

    failure_charts.render_section()

    st.header(t("home_pages_h"))
    for page_id in ("data", "train", "losses", "toy2d", "latent", "progression", "compare", "runs", "board"):
        link, about = st.columns([2, 3], vertical_alignment="center")  # the longest title reads whole at 1280 px
        with link:
            nav.link(page_id)
        with about:
            st.markdown(t(f"home_about_{page_id}"))


render()
