// Tells GOV.UK Frontend's CSS and components that its JavaScript runs (the template's usual
// inline snippet is not allowed by the Content-Security-Policy), then starts the components:
// the error summary takes focus, the service navigation collapses into a menu on phones.
// Then the timeout warning: two minutes before a session would end for want of use, a GOV.UK
// notification banner says so and offers to stay signed in. Pages work without it; it only
// adds behaviour (a form sent after the session ended keeps its entries through signing in).
import { initAll } from '/assets/govuk-frontend.min.js'
document.body.classList.add('govuk-frontend-supported')
initAll()

const minutes = Number(document.querySelector('meta[name="sendtrack-session-minutes"]')?.content)
if (minutes > 2) {
  let timer
  const warn = () => {
    if (document.getElementById('st-timeout')) return
    const banner = document.createElement('div')
    banner.id = 'st-timeout'
    banner.className = 'govuk-notification-banner'
    banner.setAttribute('role', 'alert')
    banner.setAttribute('aria-labelledby', 'st-timeout-title')
    banner.tabIndex = -1
    banner.innerHTML =
      '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="st-timeout-title">Important</h2></div>' +
      '<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">You will be signed out in 2 minutes because you have not used sendtrack for a while.</p>' +
      '<p class="govuk-body">If you are signed out, what you have entered in a form is kept when you sign in again.</p>' +
      '<button type="button" class="govuk-button govuk-!-margin-bottom-0" id="st-stay">Stay signed in</button></div>'
    document.getElementById('main-content')?.prepend(banner)
    banner.focus()
    document.getElementById('st-stay').addEventListener('click', async () => {
      // Any page the person may see counts as use; their account page always is one.
      await fetch('/account', { credentials: 'same-origin' })
      banner.remove()
      start()
    })
  }
  const start = () => {
    clearTimeout(timer)
    timer = setTimeout(warn, (minutes - 2) * 60 * 1000)
  }
  start()
}
