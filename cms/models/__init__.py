from .pages import (
    ArticleIndexPage,
    ArticlePage,
    CareGuideIndexPage,
    CareGuidePage,
    HomePage,
    LandingPage,
)
from .settings import SiteSettings
from .snippets import ArticlePageTag, Author, CareGuidePageTag

__all__ = [
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "Author",
    "CareGuideIndexPage",
    "CareGuidePage",
    "CareGuidePageTag",
    "HomePage",
    "LandingPage",
    "SiteSettings",
]
