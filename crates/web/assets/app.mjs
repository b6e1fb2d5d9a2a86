// Starts the GOV.UK Frontend components. Pages work without it; it only adds behaviour.
import { initAll } from '/assets/govuk-frontend.min.js'
initAll()
