/** polytask-forecast: train | eval | predict | list for one-step forecasting with an auxiliary direction task. */
import { runDomainCli } from '@polytask/cli';
import { forecastDomain } from './domain.js';

process.exitCode = await runDomainCli(forecastDomain, process.argv, {
  version: '0.0.0',
  examples: [
    'polytask-forecast train --config examples/forecast/configs/seasonal.yaml --out runs/forecast',
    'echo \'{"history": [10.1, 10.4, …48 values]}\' | polytask-forecast predict --model runs/forecast',
  ],
});
