import { accreditationState } from '../lib/accreditation';
import { formatDate } from '../lib/dates';
import { CATEGORY_LABELS } from '../lib/format';
import { href } from '../lib/routes';
import { ErrorNotice, Loading, Tag } from '../ui/components';
import { listAll, must, useLoad, useServices, useTitle } from '../ui/services';

export function Providers() {
  useTitle('Providers');
  const { api, today, session } = useServices();
  const providers = useLoad(
    () =>
      listAll(async (cursor) =>
        must(await api.GET('/v1/providers', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })),
      ),
    [],
  );
  const day = today();
  const rows =
    providers.state === 'ready'
      ? providers.data
          .map((provider) => ({ provider, view: accreditationState(provider.accreditation, day) }))
          .sort((a, b) => a.provider.name.localeCompare(b.provider.name, 'en-GB'))
      : [];
  const needAttention = rows.filter((r) => r.view.state !== 'accredited');
  const canChange = session.role === 'manager' || session.role === 'admin';

  return (
    <>
      <h1 class="heading-xl">Providers</h1>
      <p class="body">Accredited providers run the activities people are prescribed. A provider can only scan cards, and its activities can only be prescribed, while its accreditation is valid.</p>
      {canChange && (
        <p class="body">
          <a href={href.newProvider()} class="button button--secondary">
            Add a provider
          </a>
          {' '}
          <a href={href.importProviders()} class="button button--secondary">
            Import from an ORUK feed
          </a>
        </p>
      )}
      {providers.state === 'loading' && <Loading what="Loading providers" />}
      {providers.state === 'error' && <ErrorNotice>{providers.error}</ErrorNotice>}
      {providers.state === 'ready' && (
        <>
          {needAttention.length > 0 && (
            <div class="warning-text">
              <span class="warning-text__icon" aria-hidden="true">
                !
              </span>
              <p class="warning-text__text">
                <span class="visually-hidden">Warning: </span>
                {needAttention.length === 1 ? '1 provider needs' : `${needAttention.length} providers need`} attention:{' '}
                {needAttention.map((r) => `${r.provider.name} (${r.view.label.toLowerCase()})`).join(', ')}.
              </p>
            </div>
          )}
          {rows.length === 0 ? (
            <p class="body">No providers yet.</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <caption class="table__caption">{rows.length} providers</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Categories</th>
                    <th scope="col">Accreditation</th>
                    <th scope="col">Valid until</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ provider, view }) => (
                    <tr key={provider.providerId}>
                      <th scope="row">
                        <a href={href.provider(provider.providerId)}>{provider.name}</a>
                      </th>
                      <td>{provider.categories.map((c) => CATEGORY_LABELS[c]).join(', ')}</td>
                      <td>
                        <Tag tone={view.tone}>{view.label}</Tag>
                      </td>
                      <td>{formatDate(provider.accreditation.validUntil)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
