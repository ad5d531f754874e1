{ where: 'env dir' }
