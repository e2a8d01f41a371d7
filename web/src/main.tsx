import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { ApiProblem } from './api/client';
import { App } from './app';
import { markSessionExpired } from './lib/session';
import { initI18n } from './i18n';
import './styles.css';

initI18n();

/**
 * A session that expires mid-work (any 401 from the API): the session is forgotten, so the app
 * shows the sign-in page with `?next=` the page the reader was on, and says why.
 */
function onApiError(error: unknown): void {
  if (!(error instanceof ApiProblem) || error.status !== 401) return;
  if (queryClient.getQueryData(['me']) === null) return;
  markSessionExpired();
  queryClient.setQueryData(['me'], null);
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A refusal or a missing page will not change by asking again; a network blip may.
      retry: (count, error) => count < 2 && (!(error instanceof ApiProblem) || error.status === 0 || error.status === 503),
      refetchOnWindowFocus: true,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
