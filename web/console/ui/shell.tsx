import type { ComponentChildren } from 'preact';
import type { Session } from '../../shared/session';
import { navLinks, type Route } from '../lib/routes';

function skipToMain(event: Event) {
  event.preventDefault(); // the hash belongs to the router
  const main = document.getElementById('main-content');
  main?.focus();
  main?.scrollIntoView();
}

/** Skip link, header with the service name, role and "Sign out", the navigation, then main. */
export function Shell(props: { session?: Session; route?: Route; onSignOut?: () => void; children: ComponentChildren }) {
  const { session, route } = props;
  const links = session ? navLinks(session.role) : [];
  return (
    <>
      <a href="#main-content" class="skip-link" onClick={skipToMain}>
        Skip to main content
      </a>
      <header class="header">
        <div class="width-container header__container">
          <a href="#/" class="header__service">
            Waymark
          </a>
          <span class="header__tagline">Social prescribing</span>
          {session && (
            <div class="header__account">
              <span class="header__role">
                Signed in as <strong>{session.label}</strong>
              </span>
              <button type="button" class="header__signout" onClick={props.onSignOut}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      {links.length > 0 && (
        <nav class="service-nav" aria-label="Main">
          <ul class="width-container service-nav__list">
            {links.map((link) => {
              const current = route ? link.matches.includes(route.name) : false;
              return (
                <li class="service-nav__item" key={link.href}>
                  <a class={`service-nav__link${current ? ' service-nav__link--current' : ''}`} href={link.href} aria-current={current ? 'page' : undefined}>
                    {link.label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
      <div class="width-container">
        <main id="main-content" class="main" tabIndex={-1}>
          {props.children}
        </main>
      </div>
      <footer class="footer">
        <div class="width-container">
          <p class="body-s">Waymark: open-source software for social prescribing schemes.</p>
        </div>
      </footer>
    </>
  );
}
