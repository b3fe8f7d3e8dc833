import { Center, Loader } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert.tsx';

/** Loader while a query is pending, the problem detail when it failed, else `children(data)`. */
export function QueryView<T>(props: { query: UseQueryResult<T>; errorTitle?: string; children: (data: T) => ReactNode }) {
  const { query } = props;
  if (query.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (query.isError) {
    return <ErrorAlert error={query.error} title={props.errorTitle ?? 'Could not load this'} onRetry={() => void query.refetch()} />;
  }
  return props.children(query.data);
}
