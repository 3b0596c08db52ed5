import type { ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Session } from '../../shared/session';
import { href, navLinks, type Route } from '../lib/routes';
import { ServicesContext } from './services';

interface NavCounts {
  dueFollowUps: number;
  newReferrals: number;
}

/**
 * A navigator's counts for the navigation (follow-ups due, new referrals), from one request
 * (`GET /v1/caseload/counts`), read again on each new page.
 */
function useNavCounts(route: Route | undefined): NavCounts | undefined {
  const services = useContext(ServicesContext);
  const [counts, setCounts] = useState<NavCounts>();
  const navigator = services?.session.role === 'navigator';
  useEffect(() => {
    if (!services || !navigator) return;
    let live = true;
    services.api.GET('/v1/caseload/counts').then(
      ({ data }) => live && data && setCounts({ dueFollowUps: data.dueFollowUps, newReferrals: data.newReferrals }),
      () => undefined, // the counts are a convenience: the pages themselves show the lists
    );
    return () => {
      live = false;
    };
  }, [services?.session.token, JSON.stringify(route)]);
  return navigator ? counts : undefined;
}

/** The count beside a link, with words for a screen reader ("3 due"). */
function countOf(linkHref: string, counts: NavCounts | undefined): { n: number; words: string } | undefined {
  if (!counts) return undefined;
  if (linkHref === href.followups() && counts.dueFollowUps > 0) return { n: counts.dueFollowUps, words: 'due' };
  if (linkHref === href.referrals() && counts.newReferrals > 0) return { n: counts.newReferrals, words: 'new' };
  return undefined;
}

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
  const counts = useNavCounts(route);
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
              const count = countOf(link.href, counts);
              return (
                <li class="service-nav__item" key={link.href}>
                  <a class={`service-nav__link${current ? ' service-nav__link--current' : ''}`} href={link.href} aria-current={current ? 'page' : undefined}>
                    {link.label}
                    {count && (
                      <span class="service-nav__count">
                        {count.n}
                        <span class="visually-hidden"> {count.words}</span>
                      </span>
                    )}
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
