"""Not a page: /data on a freshly started server.

Until app.py has run once, Streamlit's legacy pages/ discovery resolves /data by file name and, finding no
pages/data.py, shows a "Page not found" dialog (which leaves the page inert under it) before the router
opens the data status page anyway. With this file the legacy run lands here instead, and the guard sends it
to the router, which follows the address bar (pages/data_status.py, url_path "data"; see
components.nav.follow_deep_link and pages/map.py).
"""

from components import nav

if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
