// Tells GOV.UK Frontend's CSS and components that its JavaScript runs (the template's usual
// inline snippet is not allowed by the Content-Security-Policy), then starts the components:
// the error summary takes focus, the service navigation collapses into a menu on phones.
// Pages work without it; it only adds behaviour.
import { initAll } from '/assets/govuk-frontend.min.js'
document.body.classList.add('govuk-frontend-supported')
initAll()
