"""The Streamlit layer of GAN Lab: pages (ui/pages/), strings (i18n) and small shared helpers.

Pages lay out what `gan_core` computes; anything that is not layout lives in `gan_core`.
"""
