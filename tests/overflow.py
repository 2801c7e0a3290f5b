"""What a projector would not show whole: texts cut by their box, measured in the browser's DOM.

`cut_texts(page)` lists every visible text (in the main area and the sidebar) whose rendered box reaches past a
box that clips it (overflow hidden, clip, or a horizontal scroll), or that its own box cuts with an ellipsis; and
every title, tick label, legend entry and annotation of a plotly chart that reaches past the chart. Scrolling up
and down the page or the sidebar is not cutting: only sideways scrolling is counted there.
"""

from __future__ import annotations

CUT_TEXTS = r"""() => {
    const problems = [];
    const slack = 1.5;  // sub-pixel rounding
    const visible = (element) => {
        for (let e = element; e; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return false;
            if (e.getAttribute && e.getAttribute('aria-hidden') === 'true') return false;
        }
        return element.getClientRects().length > 0;
    };
    const describe = (element, text) => {
        const test = element.closest('[data-testid]');
        return `${test ? test.getAttribute('data-testid') : element.tagName}: ${text.trim().slice(0, 80)}`;
    };
    const roots = ['stMain', 'stSidebar'].map(id => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean);
    for (const root of roots) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent;
            const element = node.parentElement;
            if (!text.trim() || !element || element.closest('svg') || !visible(element)) continue;
            if (element.closest('[data-testid="stTooltipContent"], [role="tooltip"], .katex, .stCode, pre')) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            const box = range.getBoundingClientRect();
            if (box.width < 1 || box.height < 1) continue;
            const own = getComputedStyle(element);
            const inner = element.getBoundingClientRect().right - parseFloat(own.paddingRight) - parseFloat(own.borderRightWidth);
            if (own.textOverflow === 'ellipsis' && box.right > inner + 0.25) {  // the browser cuts at a fraction of a pixel
                problems.push(`ends in an ellipsis · ${describe(element, text)}`);
                continue;
            }
            for (let box_ = element; box_ && box_ !== root.parentElement; box_ = box_.parentElement) {
                const style = getComputedStyle(box_);
                const clipsX = ['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX);
                const clipsY = ['hidden', 'clip'].includes(style.overflowY);
                if (!clipsX && !clipsY) continue;
                const edge = box_.getBoundingClientRect();
                const sideways = clipsX && (box.right > edge.right + slack || box.left < edge.left - slack);
                const upDown = clipsY && (box.bottom > edge.bottom + slack || box.top < edge.top - slack);
                if (sideways || upDown) {
                    problems.push(`cut ${sideways ? 'at the side' : 'at the top or bottom'} · ${describe(element, text)}`);
                    break;
                }
            }
        }
    }
    for (const chart of document.querySelectorAll('.js-plotly-plot')) {
        const svg = chart.querySelector('svg.main-svg');
        if (!svg || !visible(chart)) continue;
        const edge = svg.getBoundingClientRect();
        const parts = '.legendtext, .g-xtitle text, .g-ytitle text, .gtitle, .annotation-text, .xtick text, .ytick text, .cbtitle text';
        for (const text of chart.querySelectorAll(parts)) {
            if (!text.textContent.trim() || !visible(text)) continue;
            const box = text.getBoundingClientRect();
            if (box.width < 1) continue;
            if (box.left < edge.left - slack || box.right > edge.right + slack || box.top < edge.top - slack ||
                box.bottom > edge.bottom + slack) {
                problems.push(`outside its chart · ${describe(chart, text.textContent)}`);
            }
        }
        const legend = chart.querySelector('.legend');
        const room = legend && legend.querySelector('rect.bg');  // the legend's box: plotly clips its entries to it
        if (room) {
            const edges = room.getBoundingClientRect();
            for (const text of legend.querySelectorAll('.legendtext')) {
                const box = text.getBoundingClientRect();
                if (text.textContent.trim() && box.width >= 1 && (box.right > edges.right + slack || box.left < edges.left - slack)) {
                    problems.push(`cut by its legend · ${describe(chart, text.textContent)}`);
                }
            }
        }
        // a legend taller than its room scrolls inside the chart
        if (legend && legend.querySelector('.scrollbar') && legend.querySelector('.scrollbar').getBoundingClientRect().height > 0) {
            problems.push(`legend scrolls · ${describe(chart, legend.textContent)}`);
        }
    }
    return problems;
}"""


def cut_texts(page) -> list[str]:
    """Every text the page shows cut, one line each (empty: everything reads whole)."""
    return page.evaluate(CUT_TEXTS)
