"""Not a page: /map on a freshly started server.

Until app.py has run once, Streamlit's legacy pages/ discovery resolves /map by file name and, finding no
pages/map.py, shows a "Page not found" dialog before the router opens the map anyway. With this file the
legacy run lands here instead, and the guard sends it to the router, which follows the address bar to
the map page (pages/township_map.py, url_path "map"; see components.nav.follow_deep_link).
"""

from components import nav

if __name__ == "__main__":
    nav.back_to_router(__file__)  # a legacy run: to the router, keeping the address
